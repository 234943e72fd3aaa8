// The settled side of the differential tests: runs every case on a real settled daemon and
// prints one JSON line per case, like reference/run_reference.mjs:
//   {"case":"pass-result","status":"SUCCEEDED","output":...,"retryDelaysMs":{...}}
//   {"case":"fail-error","status":"FAILED","error":"X","cause":"..."}
//   {"case":"bad","status":"INVALID_DEFINITION","cause":"..."}   (PUT refused the definition)
//   {"case":"odd","status":"REFUSED","cause":"..."}              (POST /v1/executions refused)
// Each case's taskResults become one test case of a Step Functions Local mock configuration
// (one file for the corpus, written before the daemon starts, passed as mock-config). One
// daemon runs every case: definitions are registered and executions started one after
// another, then all of them are awaited together (waits and retry backoffs are real).
// Usage: node daemon_runner.mjs --settled PATH --work DIR --all CASES_DIR

import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';

const args = process.argv.slice(2);
let settled = '';
let work = '';
let casesDir = '';
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--settled') settled = args[++i];
  else if (args[i] === '--work') work = args[++i];
  else if (args[i] === '--all') casesDir = args[++i];
}
if (!settled || !work || !casesDir) {
  console.error('usage: node daemon_runner.mjs --settled PATH --work DIR --all CASES_DIR');
  process.exit(2);
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

// A case's taskResults as mocked responses. An entry that returns the task's own input
// ({} or no entry) has no Step Functions Local form (a Return is a fixed value): such a
// state is left unmocked, so its resource runs and fails (see pending.json).
function mockCase(testCase, responses) {
  const mocked = {};
  for (const [name, state] of allStates(testCase.definition)) {
    if (state.Type !== 'Task') continue;
    const list = testCase.taskResults?.[name];
    if (!Array.isArray(list) || list.length === 0) continue;
    if (list.some((e) => !('error' in e) && !('output' in e))) continue;
    const response = {};
    list.forEach((entry, i) => {
      const key = i === list.length - 1 ? `${i}-${kLastInvocation}` : `${i}`;
      response[key] =
        'error' in entry
          ? { Throw: { Error: String(entry.error), Cause: entry.cause ?? '' } }
          : { Return: entry.output };
    });
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

const daemon = spawn(
  settled,
  [
    `--data-dir=${path.join(work, 'var')}`,
    '--http=127.0.0.1:0',
    `--workflows-dir=${path.join(work, 'workflows')}`,
    `--mock-config=${mockFile}`,
    '--log-level=error',
    // Every case's PUT and start go one after another; their waits overlap.
    '--request-deadline-ms=60000',
  ],
  { stdio: ['ignore', 'pipe', 'pipe'] },
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

// The delay before each retry, per state, from the history a client sees: from the
// TaskFailed/TaskTimedOut event to the next TaskScheduled of the same state entry
// (millisecond timestamps; the real wait, so slightly over the delay the engine chose).
function retryDelays(events) {
  const delays = {};
  let state = null;
  let failedAt = null;
  for (const e of events) {
    if (e.stateEnteredEventDetails) {
      state = e.stateEnteredEventDetails.name;
      failedAt = null;
    } else if (e.type === 'TaskFailed' || e.type === 'TaskTimedOut') {
      failedAt = Date.parse(e.timestamp);
    } else if (e.type === 'TaskScheduled' && failedAt !== null && state !== null) {
      (delays[state] ??= []).push(Date.parse(e.timestamp) - failedAt);
      failedAt = null;
    }
  }
  return delays;
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
