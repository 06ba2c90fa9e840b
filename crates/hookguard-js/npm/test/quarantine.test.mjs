// The quarantine in the npm package: the Fetch handler keeps an authentic delivery refused for
// its content in a real directory (DirectoryQuarantine), once per request id whatever the
// retry; forged, valid and oversized deliveries are never kept; the answer names the entry
// (or is 202 with answer: 'accept'); a failing store gives storeDown's answer; the bounds
// hold; and a Gate with a quarantine but no store is refused when the receiver is made.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Gate } from '../index.mjs';
import { fetchHandler } from '../fetch.mjs';
import { DirectoryQuarantine } from '../quarantine.mjs';
import { signedRequest } from './signed-request.mjs';

const SECRET = 'whsec_npm_quarantine';
const drifted = (bookPk = 1) =>
  Buffer.from(`{"event_name": "book.verified", "status": "BOOK_PARTIALLY_VERIFIED", "book_pk": ${bookPk}, "book_uuid": "8ef7a1e1-fc97-42f9-81ea-ef357b333117"}`);
const VALID = Buffer.from('{"event_name": "book.verified", "status": "BOOK_COMPLETE", "book_pk": 1, "book_uuid": "8ef7a1e1-fc97-42f9-81ea-ef357b333117"}');
const NOW = 1_800_000_000;

function signed(body, requestId, timestamp = NOW, secret = SECRET) {
  return signedRequest(body, requestId, timestamp, secret);
}

function place() {
  return mkdtempSync(join(tmpdir(), 'hookguard-quarantine-'));
}

function gate(quarantine, signature = { secrets: [SECRET] }) {
  return new Gate({ signature, quarantine });
}

const entries = (directory) => readdirSync(directory).filter((name) => name.endsWith('.http')).sort();
const quiet = { error() {} };

test('an authentic drifted delivery is kept once, whatever the retry; the answer names it', async (t) => {
  const directory = place();
  t.after(() => rmSync(directory, { recursive: true, force: true }));
  const keeping = gate({ directory });
  const handler = fetchHandler(keeping, () => assert.fail('a refused delivery reached the handler'), {
    now: () => NOW,
    quarantine: new DirectoryQuarantine(keeping),
  });
  const plain = fetchHandler(gate(undefined), () => assert.fail('refused'), { now: () => NOW });
  const body = drifted();
  const without = await plain(signed(body, 'msg_drift'));

  const answers = [];
  for (const request of [signed(body, 'msg_drift'), signed(body, 'msg_drift'), signed(body, 'msg_drift', NOW - 60)]) {
    answers.push(await handler(request));
  }
  const files = entries(directory);
  assert.equal(files.length, 1, 'one entry for the delivery and its retries');
  const id = files[0].replace(/\.http$/, '');
  for (const answer of answers) {
    assert.equal(answer.status, 400);
    assert.equal(answer.headers.get('x-hookguard-quarantine'), id);
    assert.equal(await answer.text(), await without.clone().text(), 'the refusal itself is unchanged');
  }
  assert.equal(without.headers.get('x-hookguard-quarantine'), null);

  const kept = readFileSync(join(directory, files[0]));
  assert.ok(kept.subarray(kept.length - body.length).equals(body), 'the body is kept exactly');
  const head = kept.subarray(0, kept.length - body.length).toString('latin1');
  assert.match(head, /^POST \/hookguard\/quarantine HTTP\/1\.1\r\n/);
  assert.match(head, /\r\nwebhook-request-id: msg_drift\r\n/);
  assert.match(head, new RegExp(`\\r\\nx-hookguard-first-seen: ${NOW}\\r\\n`));
  assert.match(head, /\r\nx-hookguard-findings: \[\{"code":"schema_violation","instanceLocation":"\/status"\}\]\r\n/);
  assert.ok(!head.includes('BOOK_PARTIALLY_VERIFIED'), 'no payload value in the head');
});

test('forged, valid and oversized deliveries are never kept', async (t) => {
  const directory = place();
  t.after(() => rmSync(directory, { recursive: true, force: true }));
  const keeping = new Gate({ maxBytes: 200, signature: { secrets: [SECRET] }, quarantine: { directory } });
  let handled = 0;
  const handler = fetchHandler(keeping, () => { handled += 1; }, {
    now: () => NOW,
    quarantine: new DirectoryQuarantine(keeping),
  });
  assert.equal((await handler(signed(drifted(), 'msg_forged', NOW, 'whsec_forger'))).status, 401);
  assert.equal((await handler(signed(drifted(), 'msg_stale', NOW - 3600))).status, 401);
  assert.equal((await handler(signed(VALID, 'msg_valid'))).status, 200);
  assert.equal(handled, 1);
  const huge = Buffer.from(`{"event_name": "book.verified", "status": "${'X'.repeat(300)}"}`);
  assert.equal((await handler(signed(huge, 'msg_huge'))).status, 413);
  assert.deepEqual(entries(directory), []);
});

test("answer: 'accept' answers 202 and keeps the delivery from the handler", async (t) => {
  const directory = place();
  t.after(() => rmSync(directory, { recursive: true, force: true }));
  const keeping = gate({ directory, answer: 'accept' });
  const handler = fetchHandler(keeping, () => assert.fail('a kept delivery reached the handler'), {
    now: () => NOW,
    quarantine: new DirectoryQuarantine(keeping),
  });
  const response = await handler(signed(drifted(), 'msg_accept'));
  assert.equal(response.status, 202);
  assert.equal(response.headers.get('content-type'), 'application/json');
  const document = await response.json();
  assert.equal(document.status, 202);
  assert.equal(document.errors[0].instanceLocation, '/status');
  assert.equal(entries(directory).length, 1);
  assert.equal(response.headers.get('x-hookguard-quarantine'), entries(directory)[0].replace(/\.http$/, ''));
});

test('a store that fails gives storeDown: 503 to come back, or the plain refusal', async () => {
  const failing = { keep: async () => { throw Object.assign(new Error('disk full at /secret/path'), { code: 'ENOSPC' }); } };
  const lines = [];
  const log = { error: (line) => lines.push(line) };
  const refusing = fetchHandler(gate({}), () => assert.fail('refused'), { now: () => NOW, quarantine: failing, log });
  const refused = await refusing(signed(drifted(), 'msg_down'));
  assert.equal(refused.status, 503);
  assert.equal(refused.headers.get('retry-after'), '10');
  assert.match(await refused.text(), /quarantine/);
  assert.equal(lines.length, 1);
  assert.match(lines[0], /quarantine could not keep a refused delivery \(ENOSPC\)/);
  assert.ok(!lines[0].includes('msg_down') && !lines[0].includes('BOOK_PARTIALLY'));
  const processing = fetchHandler(gate({ storeDown: 'process' }), () => assert.fail('refused'), { now: () => NOW, quarantine: failing, log: quiet });
  const plain = await processing(signed(drifted(), 'msg_down'));
  assert.equal(plain.status, 400);
  assert.equal(plain.headers.get('x-hookguard-quarantine'), null);
});

test('the bounds hold: the oldest entry makes room', async (t) => {
  const directory = place();
  t.after(() => rmSync(directory, { recursive: true, force: true }));
  const keeping = gate({ directory, maxEntries: 2 });
  const store = new DirectoryQuarantine(keeping);
  let clock = NOW;
  const handler = fetchHandler(keeping, () => assert.fail('refused'), { now: () => clock, quarantine: store });
  const ids = [];
  for (const [index, requestId] of ['msg_1', 'msg_2', 'msg_3'].entries()) {
    clock = NOW + index * 10;
    const response = await handler(signed(drifted(index + 1), requestId, clock));
    ids.push(response.headers.get('x-hookguard-quarantine'));
  }
  assert.deepEqual(entries(directory), ids.slice(1).map((id) => `${id}.http`).sort());
  assert.deepEqual(store.stats, { kept: 3, alreadyKept: 0, evicted: 1, unavailable: 0 }, 'each eviction counted');
  // Expired entries go too: a week later, one more leaves only itself.
  clock = NOW + 7 * 24 * 3600 + 100;
  const later = await handler(signed(drifted(9), 'msg_later', clock));
  assert.deepEqual(entries(directory), [`${later.headers.get('x-hookguard-quarantine')}.http`]);
});

test('a quarantine without a store, or a directory that cannot be written, is refused at start', () => {
  const keeping = gate({});
  assert.throws(() => fetchHandler(keeping, () => {}), (error) => error instanceof TypeError && /hookguard\/quarantine/.test(error.message));
  assert.throws(() => new DirectoryQuarantine(keeping), /needs a directory/);
  assert.throws(() => new DirectoryQuarantine(gate(undefined), '/tmp'), /configured with a quarantine/);
  const directory = place();
  const file = join(directory, 'a-file');
  writeFileSync(file, '');
  assert.throws(() => new DirectoryQuarantine(gate({ directory: join(file, 'quarantine') })), /ENOTDIR|EEXIST/);
  rmSync(directory, { recursive: true, force: true });
  // Without signatures the quarantine needs the explicit opt-in.
  assert.throws(() => new Gate({ quarantine: { directory: '/tmp/q' } }), (error) => error instanceof TypeError && /unsigned: true/.test(error.message));
  assert.equal(new Gate({ quarantine: { unsigned: true } }).quarantine.unsigned, true);
});
