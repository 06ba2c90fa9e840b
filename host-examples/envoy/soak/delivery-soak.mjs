// The delivery contract under load: senders that behave as webhook senders do, through two
// Envoy gateways and a Python fleet (the ASGI receiver under `uvicorn --workers 2`,
// soak/python_fleet.py) sharing one memory (Redis: through webdis for the gateways, through
// redis-py for Python), in front of a service that fails on purpose. Usage:
// node soak/delivery-soak.mjs [DELIVERIES] [SENDERS] [SEED]; HOOKGUARD_PYTHON names the Python
// that has the package (`scripts/just delivery-soak` passes the project's venv).
//
// Each delivery is planned to fail 0-3 times at the service (503). Its sender sends an attempt
// to a random receiver (either gateway or the Python fleet), retries every non-2xx (and every
// connection error) after a short backoff, re-signing every other retry, sometimes sends
// concurrent copies of an attempt, and after its 2xx sends one or two more copies (an
// acknowledgement the sender never heard). Meanwhile one gateway is restarted, and webdis is
// stopped for a second and started again.
//
// Every fifth delivery is drifted (a status value the documents do not list, as Ocrolus' own
// drift looks), signed: the receivers refuse it (400) and keep it in their one quarantine. Its
// sender behaves as Ocrolus does with a refusal: three retries, spread wider than the store's
// outage (as Ocrolus' span minutes), then it gives up. Afterwards no drifted delivery may be lost
// (each has its quarantine entry), none reached the service, and `hookguard quarantine replay`
// with the overlay that accepts the drift delivers each exactly once.
//
// Afterwards it asserts: no delivery lost (every sender ended with a 2xx, the service took every
// delivery); every delivery none of whose attempts was cut by the restart was taken exactly
// once, the service seeing exactly its planned failures plus one (no copy forwarded after one
// was taken). An attempt cut while the service had it is the contract's one gap (the gateway
// died before it heard the answer: the reset forgets the delivery, or its claim lapses after
// `in_flight_seconds`, 3 s here) and is counted apart. Exit 0 when all hold; figures are
// printed for RELIABILITY.md.
import { execFile, spawn } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { envoyConfig, generator, send, startEnvoy, startFlakyService } from '../test/harness.mjs';
import { freePort, redisCommand, startRedis, startWebdis } from '../../../tests/stores/servers.mjs';

const [deliveries = 400, senders = 16, seed = 7] = process.argv.slice(2).map(Number);
const root = fileURLToPath(new URL('../../..', import.meta.url));
const BODY = readFileSync(join(root, 'tests/fixtures/seeds/organization/book.verified.json'));
const DRIFTED = Buffer.from(JSON.stringify({ ...JSON.parse(BODY), status: 'BOOK_PARTIALLY_VERIFIED' }));
const OVERLAY = { hookguard_overlay: 1, events: { 'book.verified': { enum_values: { '/status': ['BOOK_PARTIALLY_VERIFIED'] } } } };
const CLI = process.env.HOOKGUARD_CLI ?? join(root, 'target/release/hookguard');
const SECRET = 'whsec_delivery_soak';
const PYTHON = process.env.HOOKGUARD_PYTHON ?? join(root, 'target/python-venv/bin/python');

const random = generator(seed);

const planned = new Map();
// A little work on each delivery taken, so copies meet deliveries in flight.
const service = await startFlakyService({ workMs: () => 2 + Math.floor(random() * 20) });

const redis = await startRedis();
let webdis = await startWebdis(redis.port);
const webdisPort = webdis.port;
const config = () => envoyConfig({
  upstreamPort: service.port,
  clusters: { webdis: webdisPort },
  // A claim cut by the restart lapses in 3 s, so its delivery's retry is seen within the run.
  listeners: { shared: { signature: { secrets: [SECRET], in_flight_seconds: 3 }, shared_store: { cluster: 'webdis', timeout_ms: 250 }, quarantine: {} } },
});
const gateways = [await startEnvoy(config()), await startEnvoy(config())];

/**
 * The Python fleet: two uvicorn workers on one port, on the same Redis as the gateways (the
 * store's outage below is webdis's: the gateways' way to Redis, not Python's).
 */
async function startPythonFleet() {
  const port = await freePort();
  const child = spawn(PYTHON, ['-m', 'uvicorn', 'python_fleet:app', '--workers', '2', '--host', '127.0.0.1', '--port', String(port),
    '--app-dir', fileURLToPath(new URL('.', import.meta.url)), '--log-level', 'warning'], {
    env: { ...process.env, HOOKGUARD_REDIS: `redis://127.0.0.1:${redis.port}`, HOOKGUARD_SECRET: SECRET, HOOKGUARD_SERVICE: `http://127.0.0.1:${service.port}` },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const deadline = Date.now() + 30_000;
  // Ready when a worker answers: an unsigned body is refused (401) before any store is asked.
  while ((await send(port, { headers: { 'content-type': 'application/json' }, body: '{}', timeoutMs: 1000 }).catch(() => ({ status: 0 }))).status !== 401) {
    if (child.exitCode !== null || Date.now() > deadline) { child.kill('SIGKILL'); throw new Error(`the Python fleet (${PYTHON}) did not start`); }
    await sleep(100);
  }
  return { port, stop: async () => { child.kill('SIGTERM'); await exited; } };
}
const python = await startPythonFleet();
/** Where a sender may send an attempt: both gateways (as restarted) and the Python fleet. */
const receivers = () => [gateways[0].ports.shared, gateways[1].ports.shared, python.port];
const started = Date.now();
const counts = { attempts: 0, retries: 0, byStatus: {}, byReceiver: { gateway0: {}, gateway1: {}, python: {} }, connectionErrors: 0, duplicatesAcknowledged: 0 };
const failures = [];

/** Per delivery, its attempts: `gateway:status`, in the order they were answered. */
const history = new Map();

function attempt(requestId, timestamp, body = BODY) {
  const signature = createHmac('sha256', SECRET).update(`${timestamp}.${requestId}.`).update(body).digest('hex');
  const which = Math.floor(random() * 3);
  const port = receivers()[which];
  counts.attempts += 1;
  // Per receiver, its answers by status (`duplicate` for a copy acknowledged as delivered: a
  // delivery taken through another host is acknowledged by this one, since they share Redis).
  const answers = counts.byReceiver[['gateway0', 'gateway1', 'python'][which]];
  const tally = (key) => { answers[key] = (answers[key] ?? 0) + 1; };
  const record = (status) => {
    if (!history.has(requestId)) history.set(requestId, []);
    history.get(requestId).push(`${which}:${status}@${Date.now() - started}`);
    return status;
  };
  return send(port, {
    headers: {
      'content-type': 'application/json',
      'webhook-signature': signature, 'webhook-timestamp': String(timestamp), 'webhook-request-id': requestId,
    },
    body,
    timeoutMs: 10_000,
  }).then((response) => {
    counts.byStatus[response.status] = (counts.byStatus[response.status] ?? 0) + 1;
    tally(response.status);
    if (response.headers['x-hookguard-duplicate'] === 'delivered') { counts.duplicatesAcknowledged += 1; tally('duplicate'); }
    return record(response.status);
  }, () => { counts.connectionErrors += 1; tally('connection error'); return record(0); });
}

/** The drifted deliveries: sent, refused, to be found in the quarantine. */
const drifted = new Set();

/**
 * A drifted delivery's sender, as Ocrolus treats a refusal: the first attempt and three
 * retries (re-signed every other one), spread over more than the disturbances below together
 * (a gateway's restart, half a second, the store's outage: Ocrolus' retries span minutes), then
 * it gives up whatever it heard. (Spread over less, all four attempts could fall into one
 * outage or the other, as a fresh-clone run once saw: connection errors twice while the
 * gateway restarted, then 503 twice while the store was down; the delivery was lost by the
 * sender's schedule, not by a receiver.)
 */
async function deliverDrifted(id) {
  drifted.add(id);
  const first = Math.floor(Date.now() / 1000);
  for (let number = 1; number <= 4; number += 1) {
    const timestamp = number % 2 === 0 ? Math.floor(Date.now() / 1000) : first;
    const status = await attempt(id, timestamp, DRIFTED);
    if (status >= 200 && status < 300) failures.push(`${id}: a drifted delivery was answered ${status}`);
    if (number < 4) await sleep(1300 + Math.floor(random() * 200));
  }
}

/** One sender's whole delivery: attempts until a 2xx, copies on the side. */
async function deliver(index) {
  const id = `soak-${seed}-${index}`;
  if (index % 5 === 4) return deliverDrifted(id);
  const firstFailures = Math.floor(random() * 4);
  planned.set(id, firstFailures);
  service.plan(id, { failures: firstFailures });
  const first = Math.floor(Date.now() / 1000);
  for (let number = 1; number <= 200; number += 1) {
    const timestamp = number % 2 === 0 ? Math.floor(Date.now() / 1000) : first;
    const copies = random() < 0.2 ? 1 + Math.floor(random() * 3) : 0;
    const statuses = await Promise.all([attempt(id, timestamp), ...Array.from({ length: copies }, () => attempt(id, timestamp))]);
    if (statuses.some((status) => status >= 200 && status < 300)) {
      for (let extra = 0; extra < 1 + Math.floor(random() * 2); extra += 1) {
        // 200 acknowledged; 503 while the store cannot be reached; 0 while a gateway restarts.
        await attempt(id, timestamp);
      }
      return;
    }
    counts.retries += 1;
    // Backing off as senders do (here in milliseconds, not minutes), up to a quarter second.
    await sleep(Math.min(250, 10 * 2 ** Math.min(number, 5)) + Math.floor(random() * 40));
  }
  failures.push(`${id}: no 2xx after 200 attempts`);
}

let next = 0;
const work = Array.from({ length: senders }, async () => {
  while (next < deliveries) await deliver(next++);
});
// Disturbances while the senders run: one gateway restarted, the store's front stopped.
const disturb = (async () => {
  await sleep(1500);
  const restarted = Date.now();
  await gateways[1].stop();
  gateways[1] = await startEnvoy(config());
  counts.gatewayRestartMs = Date.now() - restarted;
  counts.gatewayRestartedAtMs = restarted - started;
  await sleep(500);
  counts.storeStoppedAtMs = Date.now() - started;
  await webdis.stop();
  await sleep(1000);
  webdis = await startWebdis(redis.port, webdisPort);
})();
await Promise.all([...work, disturb]);
const seconds = (Date.now() - started) / 1000;

// The quarantine: every drifted delivery kept (its entry named by its request id), none of them
// at the service; then replayed with the overlay, each delivered once.
const entryOf = (id) => createHash('sha256').update('request-id\0').update(id).digest('hex').slice(0, 32);
const run = promisify(execFile);
const redisUrl = `redis://127.0.0.1:${redis.port}`;
const listed = JSON.parse((await run(CLI, ['quarantine', 'list', redisUrl, '--format', 'json'])).stdout);
const kept = new Set((await redisCommand(redis.port, 'ZRANGE', 'hookguard:quarantine:index', '0', '-1')).split('\n').filter(Boolean));
let driftedLost = 0;
let driftedReachedService = 0;
for (const id of drifted) {
  if (!kept.has(entryOf(id))) { driftedLost += 1; failures.push(`${id}: drifted and not kept: ${history.get(id).join(' ')}`); }
  if (service.seen(id) !== 0) { driftedReachedService += 1; failures.push(`${id}: drifted and seen by the service`); }
}
const overlay = join(mkdtempSync(join(tmpdir(), 'hookguard-soak-')), 'overlay.json');
writeFileSync(overlay, JSON.stringify(OVERLAY));
const replay = await run(CLI, ['quarantine', 'replay', redisUrl, '--overlay', overlay, '--to', `http://127.0.0.1:${service.port}/hooks`]).catch((error) => error);
let driftedReplayedOnce = 0;
for (const id of drifted) {
  if (service.taken(id) === 1) driftedReplayedOnce += 1;
  else failures.push(`${id}: taken ${service.taken(id)} times after the replay`);
}
const quarantineStats = await Promise.all(gateways.map(async (gateway) => {
  const stats = await gateway.stats();
  return { kept: stats.get('wasmcustom.hookguard.quarantine.kept') ?? 0, alreadyKept: stats.get('wasmcustom.hookguard.quarantine.already_kept') ?? 0, unavailable: stats.get('wasmcustom.hookguard.quarantine.unavailable') ?? 0 };
}));

let takenTwice = 0;
let lost = 0;
let forwardedAfterTaken = 0;
let cut = 0;
let cutTakenTwice = 0;
for (const [id, failuresPlanned] of planned) {
  if (drifted.has(id)) continue;
  const count = service.taken(id);
  const wasCut = history.get(id).some((entry) => entry.includes(':0@'));
  if (count === 0) { lost += 1; failures.push(`${id}: lost: ${history.get(id).join(' ')}`); }
  if (wasCut) {
    cut += 1;
    if (count > 1) cutTakenTwice += 1;
    continue;
  }
  if (count > 1) takenTwice += 1;
  const extra = service.seen(id) - (failuresPlanned + 1);
  if (extra !== 0) { forwardedAfterTaken += Math.max(0, extra); failures.push(`${id}: seen ${service.seen(id)} times, planned ${failuresPlanned} failures: ${history.get(id).join(' ')}`); }
}
const storeUnavailable = await Promise.all(gateways.map(async (gateway) => (await gateway.stats()).get('wasmcustom.hookguard.store.unavailable') ?? 0));
for (const gateway of gateways) await gateway.stop();
await python.stop();
await webdis.stop();
await redis.stop();
await service.stop();

const retriedDeliveries = [...planned].filter(([id, failuresPlanned]) => !drifted.has(id) && failuresPlanned > 0).length;
console.log(JSON.stringify({
  seed, seconds, deliveries, senders,
  deliveredOnce: deliveries - drifted.size - lost - takenTwice - cutTakenTwice,
  drifted: drifted.size, driftedLost, driftedReachedService, driftedInQuarantine: listed.entries,
  driftedReplayedOnce, replay: replay.stdout?.trim().split('\n').at(-1),
  quarantineAfterRestart: quarantineStats,
  retriedDeliveries,
  lost, takenTwice, forwardedAfterTaken,
  cutByTheRestart: cut, cutAndTakenTwice: cutTakenTwice,
  ...counts,
  storeUnavailableAfterRestart: storeUnavailable,
}, null, 1));
if (lost || takenTwice || forwardedAfterTaken || driftedLost || driftedReachedService || failures.length) {
  console.error(failures.slice(0, 20).join('\n'));
  process.exit(1);
}
console.log('delivery soak: none lost; every delivery not cut by the restart taken exactly once; every drifted delivery kept, and delivered once by the replay');
