// The settled side of the differential tests: runs every case on a real settled daemon and
// prints one JSON line per case, like reference/run_reference.mjs:
//   {"case":"pass-result","status":"SUCCEEDED","output":...,"retryDelaysMs":{...}}
//   {"case":"fail-error","status":"FAILED","error":"X","cause":"..."}
//   {"case":"bad","status":"INVALID_DEFINITION","cause":"..."}   (PUT refused the definition)
//   {"case":"odd","status":"REFUSED","cause":"..."}              (POST /v1/executions refused)
// A case whose execution scheduled tasks also has "taskInputs": {"<state>": [the parameters of
// each TaskScheduled event of the state, in history order]} (branch events included).
// Each case's taskResults become one test case of a Step Functions Local mock configuration
// (one file for the corpus, written before the daemon starts, passed as mock-config). One
// daemon runs every case: definitions are registered and executions started one after
// another, then all of them are awaited together (waits and retry backoffs are real).
// A task call that returns its own input ({} or no taskResults entry) has no mocked-response
// form (a Return is a fixed value): call N of such a state returns the input the reference
// gave call N of that state (its "taskInputs", from REFERENCE.jsonl, the output of
// reference/run_reference.mjs), or the case's "expectedTaskInputs" when it has them.
// Usage: node daemon_runner.mjs --settled PATH --work DIR --all CASES_DIR [--reference REFERENCE.jsonl]

import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';

const args = process.argv.slice(2);
let settled = '';
let work = '';
let casesDir = '';
let referenceFile = '';
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--settled') settled = args[++i];
  else if (args[i] === '--work') work = args[++i];
  else if (args[i] === '--all') casesDir = args[++i];
  else if (args[i] === '--reference') referenceFile = args[++i];
}
if (!settled || !work || !casesDir) {
  console.error(
    'usage: node daemon_runner.mjs --settled PATH --work DIR --all CASES_DIR [--reference REFERENCE.jsonl]',
  );
  process.exit(2);
}
// Absolute: the daemon runs with the work directory as its working directory (below).
work = path.resolve(work);

// The task inputs the reference recorded, per case (none without --reference: echo calls are
// then left unmocked and fail).
const referenceInputs = new Map();
if (referenceFile) {
  for (const line of fs.readFileSync(referenceFile, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const result = JSON.parse(line);
    if (result.taskInputs) referenceInputs.set(result.case, result.taskInputs);
  }
}

// The last mocked response answers every later invocation ("the last entry repeats").
const kLastInvocation = 1000000000;

function* allStates(definition) {
  for (const [name, state] of Object.entries(definition?.States ?? {})) {
    yield [name, state];
    for (const branch of state.Branches ?? []) yield* allStates(branch);
    if (state.Iterator) yield* allStates(state.Iterator);
    if (state.ItemProcessor) yield* allStates(state.ItemProcessor);
  }
}

// A case's taskResults as mocked responses: entry i answers call i, the last entry every
// later call. A call that returns its own input ({} or no entry) returns the input recorded
// for that call (see the top of this file); a state with no such input for an echoing call
// gets no response from that call on, and then fails in settled.
function mockCase(testCase, responses) {
  const mocked = {};
  const recorded = testCase.expectedTaskInputs ?? referenceInputs.get(testCase.name) ?? {};
  for (const [name, state] of allStates(testCase.definition)) {
    if (state.Type !== 'Task') continue;
    const list = testCase.taskResults?.[name] ?? [];
    const inputs = recorded[name] ?? [];
    const calls = Math.max(list.length, inputs.length);
    const response = {};
    for (let i = 0; i < calls; i++) {
      const entry = list.length === 0 ? {} : list[Math.min(i, list.length - 1)];
      const last = i === calls - 1 && i >= list.length - 1;
      if ('error' in entry) {
        response[last ? `${i}-${kLastInvocation}` : `${i}`] = {
          Throw: { Error: String(entry.error), Cause: entry.cause ?? '' },
        };
      } else if ('output' in entry) {
        response[last ? `${i}-${kLastInvocation}` : `${i}`] = { Return: entry.output };
      } else if (i < inputs.length) {
        response[`${i}`] = { Return: inputs[i] };  // an echo repeats nothing: no range
      } else {
        break;
      }
    }
    if (Object.keys(response).length === 0) continue;
    const responseName = `${testCase.name}.${name}`;
    responses[responseName] = response;
    mocked[name] = responseName;
  }
  return mocked;
}

const cases = fs
  .readdirSync(casesDir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(fs.readFileSync(path.join(casesDir, f), 'utf8')));

// A case runs as state machine <context StateMachine.Name, else the case name>, execution
// <context Execution.Name, else "run">, test case <case name>.
const machineOf = (c) => c.context?.StateMachine?.Name ?? c.name;
const executionOf = (c) => c.context?.Execution?.Name ?? 'run';

const mockConfig = { StateMachines: {}, MockedResponses: {} };
for (const c of cases) {
  const machine = (mockConfig.StateMachines[machineOf(c)] ??= { TestCases: {} });
  machine.TestCases[c.name] = mockCase(c, mockConfig.MockedResponses);
}
fs.rmSync(work, { recursive: true, force: true });
fs.mkdirSync(path.join(work, 'workflows'), { recursive: true });
const mockFile = path.join(work, 'MockConfigFile.json');
fs.writeFileSync(mockFile, JSON.stringify(mockConfig, null, 1));

// The daemon runs in the work directory: from the checkout it would read the repository's
// config/schedules (whose state machines are not registered here) and refuse to start.
const daemon = spawn(
  path.resolve(settled),
  [
    `--data-dir=${path.join(work, 'var')}`,
    '--http=127.0.0.1:0',
    `--workflows-dir=${path.join(work, 'workflows')}`,
    `--mock-config=${mockFile}`,
    '--log-level=error',
    // The region and account of the ARNs in the cases' context ($$.Execution.Id,
    // $$.StateMachine.Id: arn:aws:states:us-east-1:123456789012:...), as the reference is given.
    '--aws-region=us-east-1',
    '--aws-account-id=123456789012',
    // Every case's PUT and start go one after another; their waits overlap.
    '--request-deadline-ms=60000',
  ],
  { stdio: ['ignore', 'pipe', 'pipe'], cwd: work },
);
const daemonLog = fs.createWriteStream(path.join(work, 'daemon.log'));
daemon.stderr.pipe(daemonLog);
const base = await new Promise((resolve, reject) => {
  let seen = '';
  const timer = setTimeout(() => reject(new Error(`settled did not get ready: ${seen}`)), 30000);
  daemon.stdout.on('data', (chunk) => {
    seen += chunk;
    const m = /settled ready http=(\S+)/.exec(seen);
    if (m) {
      clearTimeout(timer);
      resolve(`http://${m[1]}`);
    }
  });
  daemon.on('exit', (code) => reject(new Error(`settled exited (${code}) before it was ready: ${seen}`)));
});

async function call(method, target, body) {
  const res = await fetch(base + target, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = { message: text };
  }
  return { status: res.status, json };
}

// A task call is recorded as Task* events, or, when its Resource is a Lambda function ARN, as
// LambdaFunction* events (as Step Functions records it); the runner reads both.
const isScheduled = (e) => e.type === 'TaskScheduled' || e.type === 'LambdaFunctionScheduled';
const isFailedAttempt = (e) =>
  ['TaskFailed', 'TaskTimedOut', 'LambdaFunctionFailed', 'LambdaFunctionTimedOut'].includes(e.type);
const scheduledInput = (e) =>
  e.type === 'TaskScheduled'
    ? e.taskScheduledEventDetails.parameters
    : e.lambdaFunctionScheduledEventDetails.input;

// The delay before each retry, per state, from the history a client sees: from the failed
// attempt's event to the next scheduled event of the same state entry
// (millisecond timestamps; the real wait, so slightly over the delay the engine chose).
function retryDelays(events) {
  const delays = {};
  let state = null;
  let failedAt = null;
  for (const e of events) {
    if (e.stateEnteredEventDetails) {
      state = e.stateEnteredEventDetails.name;
      failedAt = null;
    } else if (isFailedAttempt(e)) {
      failedAt = Date.parse(e.timestamp);
    } else if (isScheduled(e) && failedAt !== null && state !== null) {
      (delays[state] ??= []).push(Date.parse(e.timestamp) - failedAt);
      failedAt = null;
    }
  }
  return delays;
}

// The input each task call received: the parameters (JSON text) of each scheduled event,
// per state, in history order. The history shows each Parallel branch's and Map iteration's
// events in place after the event that started it, so the order across branches is the
// history's, not the order of the calls (compare.mjs compares those states as multisets).
function taskInputs(events) {
  const inputs = {};
  let state = null;
  for (const e of events) {
    if (e.stateEnteredEventDetails) state = e.stateEnteredEventDetails.name;
    else if (isScheduled(e) && state !== null) {
      (inputs[state] ??= []).push(JSON.parse(scheduledInput(e)));
    }
  }
  return inputs;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function awaitResult(c, id) {
  const line = { case: c.name };
  const deadline = Date.now() + 180000;
  for (;;) {
    const { status, json } = await call('GET', `/v1/executions/${encodeURIComponent(id)}`);
    if (status === 200 && json.status !== 'RUNNING') {
      line.status = json.status;
      if (json.status === 'SUCCEEDED') line.output = json.output;
      else {
        line.error = json.error ?? null;
        line.cause = json.cause ?? '';
      }
      break;
    }
    if (Date.now() > deadline) {
      line.status = 'ERROR';
      line.cause = `execution ${id} did not finish within 180 s`;
      return line;
    }
    await sleep(100);
  }
  const history = await call('GET', `/v1/executions/${encodeURIComponent(id)}/history`);
  const delays = retryDelays(history.json.events ?? []);
  if (Object.keys(delays).length > 0) line.retryDelaysMs = delays;
  const inputs = taskInputs(history.json.events ?? []);
  if (Object.keys(inputs).length > 0) line.taskInputs = inputs;
  return line;
}

const running = [];
try {
  for (const c of cases) {
    const machine = machineOf(c);
    const put = await call('PUT', `/v1/state-machines/${encodeURIComponent(machine)}`, c.definition);
    if (put.status !== 200 && put.status !== 201) {
      running.push({ case: c.name, status: 'INVALID_DEFINITION', cause: put.json.message });
      continue;
    }
    const name = executionOf(c);
    const start = await call('POST', '/v1/executions', {
      stateMachine: `${machine}#${c.name}`,
      name,
      input: c.input ?? {},
    });
    if (start.status !== 201) {
      running.push({ case: c.name, status: 'REFUSED', cause: `${start.status} ${start.json.message}` });
      continue;
    }
    running.push(awaitResult(c, start.json.executionId));
  }
  for (const line of await Promise.all(running)) process.stdout.write(JSON.stringify(line) + '\n');
} finally {
  daemon.kill('SIGTERM');
  await new Promise((r) => (daemon.exitCode !== null ? r() : daemon.on('exit', r)));
}
