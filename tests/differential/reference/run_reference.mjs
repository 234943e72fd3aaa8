// The reference side of the differential tests: runs case files on the npm package
// aws-local-stepfunctions and prints one JSON line per case:
//   {"case":"pass-result","status":"SUCCEEDED","output":...}
//   {"case":"fail-error","status":"FAILED","error":"X","cause":"..."}
//   {"case":"bad","status":"ERROR","cause":"..."}   (the package refused or crashed)
// A case with Task states also has "taskInputs": {"<state>": [input of call 1, call 2, ...]},
// what each call of the state's resource received (after InputPath and Parameters), in the
// order the package made the calls. daemon_runner.mjs mocks the calls that return their own
// input from these, and compare.mjs compares them with the inputs settled gave its tasks.
// Usage: node run_reference.mjs [--modules DIR] [--validate] CASE.json...   or   ... --all CASES_DIR
// DIR is where `npm install --prefix DIR` put node_modules (default: next to this file).
// --validate: let the package validate each definition first (asl-validator). Off by default:
// it costs about 0.3 s per case, and settled's parser validates every definition anyway.

import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const args = process.argv.slice(2);
let modulesDir = path.dirname(new URL(import.meta.url).pathname);
let validate = false;
const files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--modules') {
    modulesDir = args[++i];
  } else if (args[i] === '--validate') {
    validate = true;
  } else if (args[i] === '--all') {
    const dir = args[++i];
    for (const f of fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
      files.push(path.join(dir, f));
    }
  } else {
    files.push(args[i]);
  }
}
if (files.length === 0) {
  console.error('usage: node run_reference.mjs [--modules DIR] [--validate] (CASE.json... | --all CASES_DIR)');
  process.exit(2);
}

// aws-local-stepfunctions 3 declares Node >= 22 and uses Promise.withResolvers (Node 22);
// this is the whole of what it needs on Node 20.
if (typeof Promise.withResolvers !== 'function') {
  Promise.withResolvers = function withResolvers() {
    let resolve;
    let reject;
    const promise = new this((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}

// Resolve the package from DIR's node_modules, not from this file's folder.
const require = createRequire(path.join(path.resolve(modulesDir), 'package.json'));
const { StateMachine, ExecutionError } = require('aws-local-stepfunctions');

// Every state of a definition, including those in Parallel branches and Map iterators.
function* allStates(definition) {
  for (const [name, state] of Object.entries(definition?.States ?? {})) {
    yield [name, state];
    for (const branch of state.Branches ?? []) yield* allStates(branch);
    if (state.Iterator) yield* allStates(state.Iterator);
    if (state.ItemProcessor) yield* allStates(state.ItemProcessor);
  }
}

// `taskInputs` collects each call's input per state (see the top of this file).
function overridesFor(testCase, taskInputs) {
  const taskResults = testCase.taskResults ?? {};
  const calls = {};
  const taskResourceLocalHandlers = {};
  const waitTimeOverrides = {};
  const retryIntervalOverrides = {};
  for (const [name, state] of allStates(testCase.definition)) {
    if (state.Type === 'Task') {
      taskResourceLocalHandlers[name] = async (input) => {
        const attempt = calls[name] ?? 0;
        calls[name] = attempt + 1;
        (taskInputs[name] ??= []).push(structuredClone(input));
        const list = taskResults[name];
        if (!Array.isArray(list) || list.length === 0) return input;  // echo
        const entry = list[Math.min(attempt, list.length - 1)];
        if ('error' in entry) {
          // The package only recognises its own timeout error: let the state's TimeoutSeconds
          // run out instead (cases that mock States.Timeout set TimeoutSeconds to 1).
          if (entry.error === 'States.Timeout') return new Promise(() => {});
          const error = new Error(entry.cause ?? '');
          error.name = entry.error;
          throw error;
        }
        if (!('output' in entry)) return input;  // echo
        return structuredClone(entry.output);
      };
    }
    // Literal waits are skipped. SecondsPath / TimestampPath waits are not overridden, because
    // the package would then not evaluate their paths; cases keep them at 0 s or in the past.
    if (state.Type === 'Wait' && ('Seconds' in state || 'Timestamp' in state)) {
      waitTimeOverrides[name] = 0;
    }
    if (Array.isArray(state.Retry)) retryIntervalOverrides[name] = 0;
  }
  return { taskResourceLocalHandlers, waitTimeOverrides, retryIntervalOverrides };
}

async function runCase(file) {
  let testCase;
  try {
    testCase = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    return { case: path.basename(file, '.json'), status: 'ERROR', cause: `not valid JSON: ${e.message}` };
  }
  const line = { case: testCase.name ?? path.basename(file, '.json') };
  const taskInputs = {};
  try {
    const machine = new StateMachine(testCase.definition, {
      validationOptions: validate ? { checkArn: false, checkPaths: false } : { noValidate: true },
    });
    const execution = machine.run(testCase.input ?? {}, {
      overrides: overridesFor(testCase, taskInputs),
      context: testCase.context ?? {},
    });
    line.status = 'SUCCEEDED';
    line.output = await execution.result;
  } catch (e) {
    if (e instanceof ExecutionError) {
      const error = e.cause;
      line.status = 'FAILED';
      line.error = error?.name ?? null;
      line.cause = typeof error?.message === 'string' ? error.message : String(error);
    } else {
      line.status = 'ERROR';
      line.cause = String(e?.message ?? e);
    }
  }
  if (Object.keys(taskInputs).length > 0) line.taskInputs = taskInputs;
  return line;
}

for (const file of files) {
  process.stdout.write(JSON.stringify(await runCase(file)) + '\n');
}
// A mocked timeout leaves a promise that never settles; nothing else is pending.
process.exit(0);
