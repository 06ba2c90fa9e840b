// Node's CommonJS entry of the packed tarball (`require('hookguard')`): every fixture's report,
// every refused fixture's exact answer, the signature vectors. Run by runtimes.test.mjs.
'use strict';
const assert = require('node:assert/strict');
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { normalize, verify, Gate } = require('hookguard');

const root = process.env.HOOKGUARD_REPO;
const read = (path) => readFileSync(join(root, path));
const verdicts = JSON.parse(read('tests/expected/verdicts.json'));
const answers = JSON.parse(read('tests/expected/answers.json'));
const vectors = JSON.parse(read('tests/fixtures/signatures/vectors.json'));
assert.match(require.resolve('hookguard'), /node_modules[\\/]hookguard[\\/]index\.cjs$/);

const gate = new Gate();
for (const [path, recorded] of Object.entries(verdicts)) {
  const result = normalize(read(path));
  assert.equal(result.valid, recorded.valid, path);
  assert.equal(result.eventName, recorded.event_name, path);
  assert.deepEqual(result.errors, recorded.errors, path);
  assert.deepEqual(result.warnings, recorded.warnings, path);
  if (recorded.normalized) assert.equal(result.normalizedJson, JSON.stringify(recorded.normalized), path);
  const admission = gate.admit({}, read(path));
  assert.equal(admission.status, answers.bodies[path]?.status ?? 200, path);
  assert.equal(admission.problem, answers.bodies[path]?.problem, path);
}
for (const vector of vectors.cases) {
  const headers = new Headers();
  for (const [name, value] of [...Object.entries(vector.headers), ...(vector.extra_headers ?? [])]) headers.append(name, value);
  const secrets = vector.secrets.map((name) => vectors.secrets[name]);
  const verdict = verify(headers, vector.body, { secrets, toleranceSeconds: vectors.tolerance_seconds, now: vectors.now });
  assert.equal(verdict.authentic ? null : verdict.code, vector.expected.code, vector.name);
}
console.log(`CommonJS: ${Object.keys(verdicts).length} fixtures, ${vectors.cases.length} vectors`);
