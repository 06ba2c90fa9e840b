// Run from a folder where `npm pack`'s tarball was installed (`scripts/just js-pack`): the
// package as users get it, through every entry point, on a recorded fixture.
// Usage: node smoke.mjs FIXTURE.json EXPECTED_EVENT_NAME
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
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
// hookguard/shared, both ways, over a memory that answers at once: a delivery's claim and settle.
const sharedEsm = await import('hookguard/shared');
const sharedCjs = createRequire(`${process.cwd()}/`)('hookguard/shared');
for (const [name, shared, api] of [['esm', sharedEsm, esm], ['cjs', sharedCjs, cjs]]) {
  const states = new Map();
  const memory = {
    async claim({ requestId }) {
      if (states.get(requestId) === 'in_flight') return { state: 'in_flight', lapsesInSeconds: 5 };
      if (states.has(requestId)) return { state: 'delivered' };
      states.set(requestId, 'in_flight');
      return { state: 'taken', token: 1 };
    },
    async settle({ requestId, outcome }) { if (outcome === 'delivered') states.set(requestId, 'delivered'); else states.delete(requestId); },
  };
  const gate = new shared.SharedGate(new api.Gate({ signature: { secrets: ['s'] } }), memory);
  const now = Math.floor(Date.now() / 1000);
  const headers = {
    'webhook-signature': createHmac('sha256', 's').update(`${now}.smoke.`).update(body).digest('hex'),
    'webhook-timestamp': String(now),
    'webhook-request-id': 'smoke',
  };
  const admission = await gate.admit(headers, body, now);
  assert.equal(admission.verdict, 'valid', name);
  assert.equal((await gate.admit(headers, body, now)).verdict, 'in_flight', name);
  await gate.settle(admission, 'delivered', now);
  assert.equal((await gate.admit(headers, body, now)).verdict, 'duplicate', name);
  assert.equal(typeof shared.RedisMemory, 'function', name);
}
// The Node entry points: the receiver, the middleware, the quarantine store, the Lambda handler.
const { createReceiver, hookguardMiddleware } = await import('hookguard/node');
const { hookguard: expressMiddleware } = await import('hookguard/express');
const { DirectoryQuarantine } = await import('hookguard/quarantine');
const { lambdaHandler } = await import('hookguard/lambda');
assert.equal(typeof createReceiver({ onEvent() {} }), 'function');
assert.equal(expressMiddleware, hookguardMiddleware);
assert.equal(typeof DirectoryQuarantine, 'function');
const lambda = lambdaHandler(new esm.Gate({ normalize: true }), () => undefined);
const answered = await lambda({ version: '2.0', requestContext: { http: { method: 'POST' } }, headers: { 'content-type': 'application/json' }, body: body.toString('base64'), isBase64Encoded: true });
assert.equal(answered.statusCode, 200);
assert.equal(JSON.parse(answered.body).eventName, eventName);
assert.equal(esm.version(), JSON.parse(readFileSync(createRequire(`${process.cwd()}/`).resolve('hookguard/package.json'))).version);
console.log(`installed package ${esm.version()}: ESM, CommonJS and web entries agree; hookguard/shared loads both ways; node, express, quarantine and lambda load`);
