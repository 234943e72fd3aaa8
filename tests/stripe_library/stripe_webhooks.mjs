// Webhooks signed by Stripe's own Node library (stripe.webhooks.generateTestHeaderString, the
// helper Stripe ships for exactly this), posted to a real settled daemon:
//   - a signed event (pretty-printed as Stripe sends it) is accepted and stored;
//   - the same event again, freshly signed, is processed once (200, duplicate);
//   - a header signed with the second secret of a rotation is accepted;
//   - a tampered body, an old timestamp, a future timestamp and a wrong secret are refused
//     (400 BadSignature) and store nothing;
//   - an execution waiting in settled:events.waitFor for payout.paid by its payrollId is
//     completed by the Stripe-signed webhook.
// Usage: node stripe_webhooks.mjs --settled PATH --modules DIR --work DIR
// Prints one line per check; exits 1 on the first failure.
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, a, i, all) => (i % 2 ? pairs : [...pairs, [a.slice(2), all[i + 1]]]), []),
);
const require = createRequire(path.join(path.resolve(args.modules), 'node_modules', 'noop.js'));
const Stripe = require('stripe');
// No request is ever made: the key only satisfies the constructor.
const stripe = new Stripe('sk_test_unused');

const secrets = ['whsec_library_current', 'whsec_library_previous'];
const work = path.resolve(args.work);
fs.rmSync(work, { recursive: true, force: true });
fs.mkdirSync(path.join(work, 'workflows'), { recursive: true });
fs.writeFileSync(
  path.join(work, 'workflows', 'payroll.asl.json'),
  JSON.stringify({
    StartAt: 'AwaitPayout',
    States: {
      AwaitPayout: {
        Type: 'Task',
        Resource: 'settled:events.waitFor',
        Parameters: { type: 'payout.paid', 'correlationKey.$': '$.payrollId', timeoutSeconds: 60 },
        ResultPath: '$.payout',
        End: true,
      },
    },
  }),
);

const daemon = spawn(
  args.settled,
  [
    `--data-dir=${path.join(work, 'var')}`,
    '--http=127.0.0.1:0',
    `--workflows-dir=${path.join(work, 'workflows')}`,
    `--stripe-webhook-secrets=${JSON.stringify(secrets)}`,
    '--log-level=warn',
  ],
  { stdio: ['ignore', 'pipe', 'pipe'] },
);
daemon.stderr.pipe(fs.createWriteStream(path.join(work, 'daemon.log')));
let failed = false;
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

function check(what, ok, detail) {
  console.log(`${ok ? 'PASS' : 'FAIL'} ${what}${ok ? '' : `: ${detail}`}`);
  if (!ok) failed = true;
}

async function call(method, target, body, headers = {}) {
  const res = await fetch(base + target, { method, headers, body });
  const text = await res.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {}
  return { status: res.status, json, text };
}

const post = (payload, header) =>
  call('POST', '/v1/webhooks/stripe', payload, { 'content-type': 'application/json', 'stripe-signature': header });
const now = () => Math.floor(Date.now() / 1000);

// As Stripe sends it: pretty-printed with two spaces, so the bytes are not settled's JSON.
function event(id, type, object) {
  return JSON.stringify(
    { id, object: 'event', api_version: '2024-06-20', created: now(), data: { object }, livemode: false,
      pending_webhooks: 1, request: { id: null, idempotency_key: null }, type },
    null,
    2,
  );
}

try {
  const payout = event('evt_lib_1', 'payout.paid', {
    id: 'po_lib_1', object: 'payout', amount: 125000, currency: 'usd', metadata: { payrollId: 'payroll-lib' },
  });
  // The waiting execution first: the webhook is what completes it.
  const started = await call('POST', '/v1/executions',
    JSON.stringify({ stateMachine: 'payroll', name: 'lib', input: { payrollId: 'payroll-lib' } }));
  check('the payroll execution starts', started.status === 201, started.text);
  const until = Date.now() + 10000;
  for (;;) {
    const history = await call('GET', '/v1/executions/payroll:lib/history');
    if (history.json?.events?.some((e) => e.type === 'TaskSubmitted')) break;
    if (Date.now() > until) throw new Error('the execution never started waiting');
    await new Promise((r) => setTimeout(r, 20));
  }

  const refusals = [
    ['a tampered body', payout.replace('125000', '999999'), stripe.webhooks.generateTestHeaderString({ payload: payout, secret: secrets[0] })],
    ['an old timestamp', payout, stripe.webhooks.generateTestHeaderString({ payload: payout, secret: secrets[0], timestamp: now() - 600 })],
    ['a future timestamp', payout, stripe.webhooks.generateTestHeaderString({ payload: payout, secret: secrets[0], timestamp: now() + 600 })],
    ['a wrong secret', payout, stripe.webhooks.generateTestHeaderString({ payload: payout, secret: 'whsec_wrong' })],
  ];
  for (const [what, body, header] of refusals) {
    const res = await post(body, header);
    check(`${what} is refused (400 BadSignature)`, res.status === 400 && res.json?.error === 'BadSignature', `${res.status} ${res.text}`);
  }
  const none = await call('GET', '/v1/webhooks/stripe/events');
  check('refused webhooks store nothing', none.status === 200 && none.json.events.length === 0, none.text);

  const first = await post(payout, stripe.webhooks.generateTestHeaderString({ payload: payout, secret: secrets[0] }));
  check('a Stripe-signed event is accepted', first.status === 200 && first.json?.received === true && !first.json.duplicate, `${first.status} ${first.text}`);
  const again = await post(payout, stripe.webhooks.generateTestHeaderString({ payload: payout, secret: secrets[0], timestamp: now() - 10 }));
  check('the same event again is a duplicate', again.status === 200 && again.json?.duplicate === true, `${again.status} ${again.text}`);

  const account = event('evt_lib_2', 'account.updated', { id: 'acct_lib', object: 'account' });
  const rotated = await post(account, stripe.webhooks.generateTestHeaderString({ payload: account, secret: secrets[1] }));
  check('the previous secret of a rotation is accepted', rotated.status === 200 && rotated.json?.received === true, `${rotated.status} ${rotated.text}`);

  const listed = await call('GET', '/v1/webhooks/stripe/events');
  const ids = (listed.json?.events ?? []).map((e) => e.id).join(',');
  check('exactly the accepted events are stored, once each', ids === 'evt_lib_1,evt_lib_2', ids || listed.text);
  const shown = await call('GET', '/v1/webhooks/stripe/events/evt_lib_1');
  check('the stored event is the signed one', shown.json?.event?.data?.object?.amount === 125000, shown.text);

  let done;
  for (const deadline = Date.now() + 10000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 20))) {
    done = await call('GET', '/v1/executions/payroll:lib');
    if (done.json?.status !== 'RUNNING') break;
  }
  check('the waiting execution is completed by the webhook',
    done.json?.status === 'SUCCEEDED' && done.json.output?.payout?.id === 'evt_lib_1', done.text);
} catch (e) {
  check('the run', false, e.stack);
} finally {
  daemon.kill('SIGTERM');
}
process.exit(failed ? 1 : 0);
