// hookguard.wasm, driven through docs/abi.md by a host with no generated glue, gives every
// fixture the verdict recorded in tests/expected/verdicts.json (the Rust host's truth), and a
// confused or hostile host gets error codes, never a trap.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HookguardModule } from './hookguard-abi.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const wasmPath = process.env.HOOKGUARD_WASM;
if (!wasmPath) throw new Error('set HOOKGUARD_WASM to the built hookguard.wasm (just abi-test does)');
const readText = (path) => readFileSync(join(root, path), 'utf8');
const verdicts = JSON.parse(readText('tests/expected/verdicts.json'));
const OK = 0, INVALID = 1, BAD_BUFFER = -1, BAD_OPTIONS = -2, UNKNOWN_ALLOCATION = -3;

test('every fixture gets the recorded verdict, byte for byte', () => {
  const hookguard = new HookguardModule(wasmPath);
  const paths = Object.keys(verdicts);
  assert.ok(paths.length > 100, `only ${paths.length} recorded verdicts`);
  for (const path of paths) {
    const { status, result } = hookguard.normalize(readFileSync(join(root, path)));
    const report = JSON.parse(result);
    assert.deepEqual(report, verdicts[path], path);
    assert.equal(status, report.valid ? OK : INVALID, path);
    // Normalized bytes: the module's member order and number text, not only equal values.
    const normalized = result.match(/,"normalized":(.*)}$/);
    if (report.normalized) {
      assert.equal(normalized[1], JSON.stringify(verdicts[path].normalized), path);
    }
  }
});

test('catalog, schemas and version are the published ones', () => {
  const hookguard = new HookguardModule(wasmPath);
  assert.deepEqual(JSON.parse(hookguard.catalog()), JSON.parse(readText('schemas/catalog.json')));
  for (const name of ['book.verified', 'DOC_VERIFIED', 'test-delivery']) {
    const file = name === 'test-delivery' ? 'schemas/test-delivery.json' : `schemas/events/${name}.json`;
    const { status, result } = hookguard.schema(name);
    assert.equal(status, OK, name);
    assert.deepEqual(JSON.parse(result), JSON.parse(readText(file)), name);
  }
  assert.equal(hookguard.schema('no.such.event').status, INVALID);
  const version = readText('Cargo.toml').match(/^version = "([^"]+)"/m)[1];
  assert.equal(hookguard.version(), version);
  assert.equal(hookguard.exports.hookguard_abi_version(), 2);
});

test('options are the core options, refused whole when wrong', () => {
  const hookguard = new HookguardModule(wasmPath);
  const body = readFileSync(join(root, 'tests/fixtures/schema/unknown-fields.json'));
  assert.equal(hookguard.validate(body).status, OK);
  assert.equal(hookguard.configure({ strict: true }).status, OK);
  assert.equal(hookguard.validate(body).status, INVALID);
  for (const bad of [{ strict: 'yes' }, { max_depth: 1000 }, { no_such_option: 1 }]) {
    const { status, result } = hookguard.configure(bad);
    assert.equal(status, BAD_OPTIONS, JSON.stringify(bad));
    assert.ok(JSON.parse(result).error, result);
  }
  // A refused configuration leaves the previous one in force.
  assert.equal(hookguard.validate(body).status, INVALID);
});

test('pointers and lengths the module did not hand out are refused without a trap', () => {
  const hookguard = new HookguardModule(wasmPath);
  const e = hookguard.exports;
  const memoryBytes = e.memory.buffer.byteLength;
  const pointer = e.hookguard_alloc(16);
  assert.notEqual(pointer, 0);
  for (const [p, len] of [[0, 10], [pointer, 17], [pointer + 8, 9], [pointer - 1, 4],
                          [memoryBytes - 4, 8], [0xffffffff, 1], [pointer, 0xffffffff]]) {
    assert.equal(e.hookguard_validate(p >>> 0, len >>> 0), BAD_BUFFER, `${p}+${len}`);
  }
  assert.equal(e.hookguard_alloc(0x7fffffff), 0, 'oversized allocation refused');
  assert.equal(e.hookguard_free(pointer, 15), UNKNOWN_ALLOCATION, 'wrong length');
  assert.equal(e.hookguard_free(pointer, 16), OK);
  assert.equal(e.hookguard_free(pointer, 16), UNKNOWN_ALLOCATION, 'double free');
  assert.equal(e.hookguard_validate(pointer, 16), BAD_BUFFER, 'use after free');
  // The instance is still healthy.
  const body = readFileSync(join(root, 'tests/fixtures/seeds/organization/book.verified.json'));
  assert.equal(hookguard.normalize(body).status, OK);
});

test('with the overlay configured, the drifted capture gets the recorded strict verdicts, and schemas are the effective ones', () => {
  const drift = JSON.parse(readText('tests/expected/drift-verdicts.json'));
  const overlay = JSON.parse(readText(drift.overlay));
  const lines = readText(drift.capture).split('\n').filter((line) => line !== '');
  const strict = new HookguardModule(wasmPath);
  assert.equal(strict.configure({ strict: true }).status, OK);
  const overlaid = new HookguardModule(wasmPath);
  assert.equal(overlaid.configure({ strict: true, overlay }).status, OK);
  for (const [index, line] of lines.entries()) {
    const body = Buffer.from(line);
    assert.deepEqual(JSON.parse(strict.normalize(body).result), drift.lines[index].without_overlay, `line ${index + 1}`);
    assert.deepEqual(JSON.parse(overlaid.normalize(body).result), drift.lines[index].with_overlay, `line ${index + 1}`);
  }
  const effective = JSON.parse(overlaid.schema('book.verified').result);
  assert.deepEqual(effective.properties.book_name.type, ['null', 'string']);
  assert.equal(JSON.parse(strict.schema('book.verified').result).properties.book_name, undefined);

  // A refused overlay is refused whole, naming the entry; the previous configuration stays.
  const errors = JSON.parse(readText('tests/expected/overlay-errors.json'));
  for (const [fixture, expected] of Object.entries(errors)) {
    const { status, result } = overlaid.configure({ strict: true, overlay: JSON.parse(readText(fixture)) });
    assert.equal(status, BAD_OPTIONS, fixture);
    assert.equal(JSON.parse(result).error, `overlay: ${expected.error}`, fixture);
  }
  assert.equal(JSON.parse(overlaid.validate(Buffer.from(lines[0])).result).valid, drift.lines[0].with_overlay.valid);
});

test('the delivery contract through the ABI: admit claims, settle ends the claim', async () => {
  const { createHmac } = await import('node:crypto');
  const hookguard = new HookguardModule(wasmPath);
  const secret = 'whsec_abi';
  assert.equal(hookguard.configure({ signature: { secrets: [secret] } }).status, OK);
  const body = readFileSync(join(root, 'tests/fixtures/seeds/organization/book.verified.json'));
  const now = 1_800_000_000;
  const signature = createHmac('sha256', secret).update(`${now}.req-abi.`).update(body).digest('hex');
  const headers = [['Webhook-Signature', signature], ['Webhook-Timestamp', String(now)], ['Webhook-Request-Id', 'req-abi']];
  const admit = () => {
    const { status, result } = hookguard.admit({ now, headers }, body);
    return { status, admission: JSON.parse(result) };
  };
  const first = admit();
  assert.equal(first.status, OK);
  assert.deepEqual(first.admission.ticket, { request_id: 'req-abi', token: first.admission.ticket.token });
  const inFlight = admit();
  assert.equal(inFlight.status, INVALID);
  assert.equal(inFlight.admission.verdict, 'in_flight');
  assert.deepEqual(inFlight.admission.headers, [['content-type', 'application/problem+json'], ['retry-after', '10']]);
  assert.equal(hookguard.settle({ now, ticket: first.admission.ticket, outcome: 'failed' }).status, OK);
  const retry = admit();
  assert.equal(retry.admission.verdict, 'valid');
  assert.equal(hookguard.settle({ now, ticket: retry.admission.ticket, outcome: 'delivered' }).status, OK);
  const duplicate = admit();
  assert.equal(duplicate.admission.verdict, 'duplicate');
  assert.equal(duplicate.admission.status, 200);
  assert.deepEqual(duplicate.admission.headers, [['content-type', 'application/json'], ['x-hookguard-duplicate', 'delivered']]);
  for (const bad of [{}, { now, ticket: retry.admission.ticket, outcome: 'done' }, { now, ticket: { request_id: 'x' }, outcome: 'failed' }]) {
    assert.equal(hookguard.settle(bad).status, BAD_OPTIONS, JSON.stringify(bad));
  }
});

test('the additions of the receiver written once: a 405 says Allow, a problem is placed by the result slot, a settle by the service\'s status', () => {
  const answers = JSON.parse(readFileSync(join(root, 'tests/expected/answers.json'), 'utf8'));
  const hookguard = new HookguardModule(wasmPath);
  const configured = hookguard.configure({ max_bytes: 2048 });
  assert.deepEqual(JSON.parse(configured.result), { max_bytes: 2048, read_limit: 2049 });
  const { status, result } = hookguard.screen({ method: 'GET', content_type: 'application/json' });
  assert.equal(status, INVALID);
  const recorded = answers.requests.method_not_allowed;
  assert.deepEqual(JSON.parse(result).headers, recorded.headers);
  const slot = hookguard.slot();
  assert.equal(slot.length, Buffer.byteLength(result));
  const problem = new TextDecoder().decode(new Uint8Array(hookguard.exports.memory.buffer, slot.address + slot.problemOffset, slot.problemLength));
  assert.equal(problem, recorded.problem);
  hookguard.version();
  assert.equal(hookguard.slot().problemLength, 0, 'a result without a problem document says so');
  const described = JSON.parse(hookguard.options());
  assert.equal(described.max_bytes.default, 1024 * 1024);
  assert.deepEqual(Object.keys(described.signature.members).sort(), ['in_flight_seconds', 'on_replay', 'required', 'secrets', 'tolerance_seconds']);
  const settled = hookguard.settle({ now: 0, ticket: { request_id: 'none', token: 1 }, status: 204 });
  assert.deepEqual([settled.status, JSON.parse(settled.result)], [OK, { outcome: 'delivered' }]);
});
