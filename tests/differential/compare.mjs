// Compares settled's results with the reference's (one JSON line per case from each side) and
// prints one row per case: PASS, DIFF, PENDING or SKIP. Exits 1 on any DIFF, on a pending case
// that passes, on a known difference that no longer differs, or on a broken list.
// Besides the result, the inputs settled gave its tasks ("taskInputs") must equal those the
// reference gave (or the case's "expectedTaskInputs"), per state and call; for a state inside
// a Parallel branch or Map iteration as a multiset (the order across branches is not defined).
// Usage: node compare.mjs CASES_DIR SETTLED.jsonl REFERENCE.jsonl KNOWN.json PENDING.json

import fs from 'node:fs';
import path from 'node:path';

const [casesDir, settledFile, referenceFile, knownFile, pendingFile] = process.argv.slice(2);
if (!pendingFile) {
  console.error('usage: node compare.mjs CASES_DIR SETTLED.jsonl REFERENCE.jsonl KNOWN.json PENDING.json');
  process.exit(2);
}

const readLines = (file) => {
  const byCase = new Map();
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const result = JSON.parse(line);
    byCase.set(result.case, result);
  }
  return byCase;
};
const settled = readLines(settledFile);
const reference = readLines(referenceFile);
const known = JSON.parse(fs.readFileSync(knownFile, 'utf8'));
const pending = JSON.parse(fs.readFileSync(pendingFile, 'utf8'));

const cases = fs
  .readdirSync(casesDir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(fs.readFileSync(path.join(casesDir, f), 'utf8')));

// JSON value equality: numbers by value (1 == 1.0), objects regardless of key order.
function equalJSON(a, b) {
  if (typeof a === 'number' && typeof b === 'number') return a === b;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return a === b;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === b.length && a.every((v, i) => equalJSON(v, b[i]));
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && equalJSON(a[k], b[k]));
}

// settled's retry delays are measured in its history (from TaskFailed to the next
// TaskScheduled): the real wait, never shorter than the delay the engine chose and at most
// kRetryLatenessMs longer (timer and scheduling latency on a loaded machine).
const kRetryLatenessMs = 1000;
function delaysAgree(measured, expected) {
  const states = new Set([...Object.keys(measured), ...Object.keys(expected)]);
  for (const state of states) {
    const m = measured[state] ?? [];
    const e = expected[state] ?? [];
    if (m.length !== e.length) return false;
    if (m.some((ms, i) => ms < e[i] || ms > e[i] + kRetryLatenessMs)) return false;
  }
  return true;
}

// The states inside a Parallel branch or a Map iteration (any depth).
function branchStates(definition, inBranch = false, out = new Set()) {
  for (const [name, state] of Object.entries(definition?.States ?? {})) {
    if (inBranch) out.add(name);
    for (const branch of state.Branches ?? []) branchStates(branch, true, out);
    if (state.Iterator) branchStates(state.Iterator, true, out);
    if (state.ItemProcessor) branchStates(state.ItemProcessor, true, out);
  }
  return out;
}

// Whether two lists hold the same values, each matched once, in any order.
function sameMultiset(a, b) {
  if (a.length !== b.length) return false;
  const unused = [...b];
  return a.every((v) => {
    const i = unused.findIndex((w) => equalJSON(v, w));
    if (i < 0) return false;
    unused.splice(i, 1);
    return true;
  });
}

// The first state whose task inputs differ, as a message; null when they agree.
function taskInputsDiffer(testCase, measured, expected) {
  const inBranch = branchStates(testCase.definition);
  const states = [...new Set([...Object.keys(measured), ...Object.keys(expected)])].sort();
  for (const state of states) {
    const m = measured[state] ?? [];
    const e = expected[state] ?? [];
    const ok = inBranch.has(state)
      ? sameMultiset(m, e)
      : m.length === e.length && m.every((v, i) => equalJSON(v, e[i]));
    if (!ok) {
      const text = (v) => {
        const t = JSON.stringify(v);
        return t.length > 300 ? t.slice(0, 300) + '...' : t;
      };
      return `task inputs of state ${state}${inBranch.has(state) ? ' (any order)' : ''}: settled ${text(m)} want ${text(e)}`;
    }
  }
  return null;
}

// A Fail state without Error fails with no error name: "" and null both mean that.
const errorName = (r) => (r.error === undefined || r.error === '' ? null : r.error);

// Outputs must be equal JSON; failures must have the same error name (the cause is not compared).
function agree(a, b) {
  if (!a || !b || a.status !== b.status) return false;
  if (a.status === 'SUCCEEDED') return equalJSON(a.output, b.output);
  if (a.status === 'FAILED') return errorName(a) === errorName(b);
  return false;
}

const show = (r) => {
  if (!r) return '(no result)';
  const { case: _, retryDelaysMs: __, taskInputs: ___, ...rest } = r;
  const text = JSON.stringify(rest);
  return text.length > 400 ? text.slice(0, 400) + '...' : text;
};

const counts = { PASS: 0, DIFF: 0, PENDING: 0, SKIP: 0 };
const problems = [];
const rows = [];
const names = new Set();
for (const c of cases) {
  names.add(c.name);
  const s = settled.get(c.name);
  const r = reference.get(c.name);
  let verdict;
  let detail = '';
  if (c.skip) {
    verdict = 'SKIP';
    detail = c.skip;
  } else {
    let want = r;
    let against = 'reference';
    // The task inputs to compare settled's with: the reference's, or the case's own
    // "expectedTaskInputs" for a known difference (none there: not compared).
    let wantInputs = r?.taskInputs ?? {};
    if (c.expectedTaskInputs && !Object.hasOwn(known, c.name) && taskInputsDiffer(c, r?.taskInputs ?? {}, c.expectedTaskInputs)) {
      problems.push(`${c.name}: the reference's task inputs disagree with the case's "expectedTaskInputs"; list it in known-differences.json or fix them`);
    }
    if (Object.hasOwn(known, c.name)) {
      wantInputs = c.expectedTaskInputs ?? null;
      if (!c.expected) {
        problems.push(`${c.name}: listed in known-differences.json but has no "expected" result`);
      } else if (agree(r, c.expected)) {
        problems.push(`${c.name}: listed in known-differences.json, but the reference now gives the expected result`);
      }
      want = c.expected;
      against = 'expected';
    } else if (c.expected && !agree(r, c.expected)) {
      problems.push(`${c.name}: the reference disagrees with the case's "expected" result; list it in known-differences.json or fix "expected"`);
    }
    let ok = agree(s, want);
    // "expectedCause": the cause Step Functions writes (the reference's causes are its own, so
    // this is compared with settled's alone, exactly).
    if (ok && c.expectedCause !== undefined && s.cause !== c.expectedCause) {
      ok = false;
      detail = `cause: settled ${JSON.stringify(s.cause)}\n      expected ${JSON.stringify(c.expectedCause)}`;
    }
    if (ok && c.expectedRetryDelaysMs && !delaysAgree(s.retryDelaysMs ?? {}, c.expectedRetryDelaysMs)) {
      ok = false;
      detail = `retry delays: settled ${JSON.stringify(s.retryDelaysMs ?? {})} expected ${JSON.stringify(c.expectedRetryDelaysMs)}`;
    }
    if (ok && wantInputs) {
      const differ = taskInputsDiffer(c, s.taskInputs ?? {}, wantInputs);
      if (differ) {
        ok = false;
        detail = differ;
      }
    }
    if (Object.hasOwn(pending, c.name)) {
      if (ok) {
        verdict = 'DIFF';
        detail = `listed in pending.json (${pending[c.name]}) but passes now: remove it from pending.json`;
      } else {
        verdict = 'PENDING';
        detail = pending[c.name];
      }
    } else if (ok) {
      verdict = 'PASS';
      if (against === 'expected') detail = 'against "expected" (known difference of the reference)';
    } else {
      verdict = 'DIFF';
      detail = `${detail ? detail + '\n      ' : ''}settled:   ${show(s)}\n      ${against.padEnd(10)} ${show(want)}`;
    }
  }
  counts[verdict] += 1;
  rows.push(`${verdict.padEnd(8)} ${c.name}${detail ? '\n      ' + detail : ''}`);
}
for (const [file, list] of [['known-differences.json', known], ['pending.json', pending]]) {
  for (const name of Object.keys(list)) {
    if (!names.has(name)) problems.push(`${file} lists "${name}", which is not a case`);
  }
}

console.log(rows.join('\n'));
console.log('');
console.log(
  `cases: ${cases.length}  PASS: ${counts.PASS}  DIFF: ${counts.DIFF}  PENDING: ${counts.PENDING}  SKIP: ${counts.SKIP}`,
);
for (const p of problems) console.log(`PROBLEM  ${p}`);
process.exit(counts.DIFF > 0 || problems.length > 0 ? 1 : 0);
