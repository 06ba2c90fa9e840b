// The delivery contract under load: senders that behave as webhook senders do, through two
// Envoy gateways sharing one memory (Redis through webdis), in front of a service that fails
// on purpose. Usage: node soak/delivery-soak.mjs [DELIVERIES] [SENDERS] [SEED]
//
// Each delivery is planned to fail 0-3 times at the service (503). Its sender sends an attempt
// to a random gateway, retries every non-2xx (and every connection error) after a short
// backoff, re-signing every other retry, sometimes sends concurrent copies of an attempt, and
// after its 2xx sends one or two more copies (an acknowledgement the sender never heard).
// Meanwhile one gateway is restarted, and webdis is stopped for a second and started again.
//
// Afterwards it asserts: no delivery lost (every sender ended with a 2xx, the service took every
// delivery); every delivery none of whose attempts was cut by the restart was taken exactly
// once, the service seeing exactly its planned failures plus one (no copy forwarded after one
// was taken). An attempt cut while the service had it is the contract's one gap (the gateway
// died before it heard the answer: the reset forgets the delivery, or its claim lapses after
// `in_flight_seconds`, 3 s here) and is counted apart. Exit 0 when all hold; figures are
// printed for RELIABILITY.md.
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { envoyConfig, generator, send, startEnvoy, startFlakyService } from '../test/harness.mjs';
import { startRedis, startWebdis } from '../../../tests/stores/servers.mjs';

const [deliveries = 400, senders = 16, seed = 7] = process.argv.slice(2).map(Number);
const root = fileURLToPath(new URL('../../..', import.meta.url));
const BODY = readFileSync(join(root, 'tests/fixtures/seeds/organization/book.verified.json'));
const SECRET = 'whsec_delivery_soak';

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
  listeners: { shared: { signature: { secrets: [SECRET], in_flight_seconds: 3 }, shared_store: { cluster: 'webdis', timeout_ms: 250 } } },
});
const gateways = [await startEnvoy(config()), await startEnvoy(config())];
const started = Date.now();
const counts = { attempts: 0, retries: 0, byStatus: {}, connectionErrors: 0, duplicatesAcknowledged: 0 };
const failures = [];

/** Per delivery, its attempts: `gateway:status`, in the order they were answered. */
const history = new Map();

function attempt(requestId, timestamp) {
  const signature = createHmac('sha256', SECRET).update(`${timestamp}.${requestId}.`).update(BODY).digest('hex');
  const which = Math.floor(random() * gateways.length);
  const gateway = gateways[which];
  counts.attempts += 1;
  const record = (status) => {
    if (!history.has(requestId)) history.set(requestId, []);
    history.get(requestId).push(`${which}:${status}@${Date.now() - started}`);
    return status;
  };
  return send(gateway.ports.shared, {
    headers: {
      'content-type': 'application/json',
      'webhook-signature': signature, 'webhook-timestamp': String(timestamp), 'webhook-request-id': requestId,
    },
    body: BODY,
    timeoutMs: 10_000,
  }).then((response) => {
    counts.byStatus[response.status] = (counts.byStatus[response.status] ?? 0) + 1;
    if (response.headers['x-hookguard-duplicate'] === 'delivered') counts.duplicatesAcknowledged += 1;
    return record(response.status);
  }, () => { counts.connectionErrors += 1; return record(0); });
}

/** One sender's whole delivery: attempts until a 2xx, copies on the side. */
async function deliver(index) {
  const id = `soak-${seed}-${index}`;
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

let takenTwice = 0;
let lost = 0;
let forwardedAfterTaken = 0;
let cut = 0;
let cutTakenTwice = 0;
for (const [id, failuresPlanned] of planned) {
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
await webdis.stop();
await redis.stop();
await service.stop();

const retriedDeliveries = [...planned.values()].filter((failuresPlanned) => failuresPlanned > 0).length;
console.log(JSON.stringify({
  seed, seconds, deliveries, senders,
  deliveredOnce: deliveries - lost - takenTwice - cutTakenTwice,
  retriedDeliveries,
  lost, takenTwice, forwardedAfterTaken,
  cutByTheRestart: cut, cutAndTakenTwice: cutTakenTwice,
  ...counts,
  storeUnavailableAfterRestart: storeUnavailable,
}, null, 1));
if (lost || takenTwice || forwardedAfterTaken || failures.length) {
  console.error(failures.slice(0, 20).join('\n'));
  process.exit(1);
}
console.log('delivery soak: none lost; every delivery not cut by the restart taken exactly once');
