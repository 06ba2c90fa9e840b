// Run from a folder where `npm pack`'s tarball was installed (`scripts/just js-pack`): the
// package as users get it, through every entry point, on a recorded fixture.
// Usage: node smoke.mjs FIXTURE.json EXPECTED_EVENT_NAME
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const [fixture, eventName] = process.argv.slice(2);
const body = readFileSync(fixture);
const esm = await import('hookguard');
const cjs = createRequire(`${process.cwd()}/`)('hookguard');
const web = await import('hookguard/web');
await web.default({ module_or_path: readFileSync(createRequire(`${process.cwd()}/`).resolve('hookguard/web').replace(/web\.mjs$/, 'web/hookguard_js_bg.wasm')) });
for (const [name, api] of [['esm', esm], ['cjs', cjs], ['web', web]]) {
  const result = api.normalize(body);
  assert.equal(result.valid, true, name);
  assert.equal(result.eventName, eventName, name);
  assert.equal(result.normalized.event_name, eventName, name);
  assert.equal(api.validate(Buffer.from('{"event_name": 7}')).errors[0].code, 'invalid_event_name', name);
}
assert.equal(esm.version(), JSON.parse(readFileSync(createRequire(`${process.cwd()}/`).resolve('hookguard/package.json'))).version);
console.log(`installed package ${esm.version()}: ESM, CommonJS and web entries agree`);
