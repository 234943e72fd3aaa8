// The engine's peer: the npm package aws-local-stepfunctions (an in-memory interpreter, nothing
// durable) running the same payment definition as bench/engine_bench.cpp, every task answered
// at once by a local handler. Prints one JSON line: {"executions_per_s": N, "executions": N}.
// Run it with --stack-trace-limit=0 (bench/peers/interpreter.sh does): the package's JSONPath
// library throws and catches an Error on every path it evaluates, and capturing their stacks
// was 60% of its time; the peer is measured at its best.
// Usage: node interpreter.mjs --modules DIR --definition FILE [--executions N] [--inflight N]
// DIR is where tests/differential/reference/install.sh put node_modules.

import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const options = { executions: 30000, inflight: 1000 };
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i += 2) options[args[i].replace(/^--/, '')] = args[i + 1];
if (!options.modules || !options.definition) {
  console.error('usage: node interpreter.mjs --modules DIR --definition FILE [--executions N] [--inflight N]');
  process.exit(2);
}
const executions = Number(options.executions);
const inflight = Number(options.inflight);

// As in tests/differential/reference/run_reference.mjs: the package uses Node 22's
// Promise.withResolvers.
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
const require = createRequire(path.join(path.resolve(options.modules), 'package.json'));
const { StateMachine } = require('aws-local-stepfunctions');

const definition = JSON.parse(fs.readFileSync(options.definition, 'utf8'));
const machine = new StateMachine(definition, { validationOptions: { noValidate: true } });

// What each of the payment's tasks answers in settled's test mode, at once.
const handlers = {
  ValidatePayment: async (input) => input,
  ProcessPayment: async (input) => ({
    id: `pi_${input.metadata.paymentId}`,
    status: 'succeeded',
    amount_received: input.amount,
  }),
  StoreTransaction: async () => ({}),
  NotifyCustomer: async (input) => ({ notificationId: `n_${input.paymentId}`, status: 'SENT' }),
};

async function runOne(n) {
  const id = `bench-${n}`;
  const execution = machine.run(
    { paymentId: id, customerId: 'c-1', amount: 1250, currency: 'USD', paymentMethod: 'pm_card_visa',
      description: 'bench' },
    // The package fills only $$.Execution; the definition reads $$.State.RetryCount and
    // $$.State.EnteredTime, given here once per execution (less work than settled does).
    { overrides: { taskResourceLocalHandlers: handlers },
      context: { State: { RetryCount: 0, EnteredTime: new Date().toISOString() } } },
  );
  const output = await execution.result;
  if (!output || !output.charge || output.charge.status !== 'succeeded') {
    throw new Error(`execution ${id} did not succeed: ${JSON.stringify(output)}`);
  }
}

// `inflight` chains, each starting its next execution when the previous one ends.
async function run(count) {
  let next = 0;
  const chain = async () => {
    while (next < count) await runOne(next++);
  };
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: Math.min(inflight, count) }, chain));
  return Number(process.hrtime.bigint() - started) / 1e9;
}

await run(Math.min(2000, executions));  // warm-up: the JIT compiles the interpreter's hot paths
const seconds = await run(executions);
console.log(JSON.stringify({ executions_per_s: Math.round(executions / seconds), executions }));
