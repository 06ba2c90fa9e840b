// The hostile corpus (tests/fixtures/hostile) through the built package: every case gets the
// verdict the core, the CLI and Envoy give it, from the ESM, CommonJS and web entries; nothing
// throws, and keys like __proto__ stay data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as esm from '../index.mjs';
import * as web from '../web.mjs';
import { assertVerdict, hostileCases } from '../../../../tests/fixtures/hostile/hostile.mjs';

const cjs = createRequire(import.meta.url)('../index.cjs');
const cases = hostileCases();

test('every hostile case gets its expected verdict from every entry point', async () => {
  await web.default({ module_or_path: readFileSync(new URL('../web/hookguard_js_bg.wasm', import.meta.url)) });
  for (const [entry, api] of [['esm', esm], ['cjs', cjs], ['web', web]]) {
    for (const hostile of cases) {
      const report = api.normalize(hostile.body);
      assertVerdict({ ...hostile, name: `${entry} ${hostile.name}` }, report);
      if (report.valid) assert.equal(api.validate(Buffer.from(report.normalizedJson)).valid, true, hostile.name);
    }
  }
});

test('keys named __proto__ and constructor come back as data, never as prototypes', () => {
  const hostile = cases.find((c) => c.name === 'prototype-keys');
  const { normalized } = esm.normalize(hostile.body);
  assert.ok(Object.hasOwn(normalized, '__proto__'));
  assert.deepEqual(normalized.__proto__, { polluted: true }); // eslint-disable-line no-proto
  assert.equal(Object.getPrototypeOf(normalized), Object.prototype);
  assert.equal({}.polluted, undefined);
  assert.equal(Object.prototype.polluted, undefined);
});
