// Soak: the gateway filter in a real Envoy under minutes of mixed traffic, then the books are
// checked. Usage: node soak/soak.mjs [SECONDS=180] [CONNECTIONS=16] [SEED]
//
// Traffic, from a seeded generator (the seed is printed; the order of requests across
// connections depends on timing): valid deliveries (all recorded fixtures) to an enforcing
// listener and to a normalizing one, invalid fixtures, the hostile corpus (up to 50 MiB bodies),
// and signed deliveries (fresh, replayed, tampered). Every request carries an id; the upstream
// records, per id, how often it arrived and a hash of its bytes.
//
// Afterwards it asserts: no 5xx; every answer is the one expected (400/413 with the recorded
// findings, 401, duplicates acknowledged 200 and never forwarded); every valid delivery reached the upstream exactly once, byte-exact (or
// as its recorded normalized bytes); no refused one ever did; no wasm VM failed, restarted or
// logged a trap; no live request id was evicted from the replay store; every VM's live heap,
// read while idle, is at the end what it was after warm-up (memory kept across requests raises
// it; only the SDK's table of live contexts may step up, by at most its size for every
// connection at once); and no VM's linear memory outgrew twice the fleet's warm-up mark.
// Exit status 0 when all hold; the figures are printed for RELIABILITY.md.
import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { envoyConfig, generator, send, startEnvoy, startUpstream, vmHeap, vmMemory } from '../test/harness.mjs';
import { hostileCases, located } from '../../../tests/fixtures/hostile/hostile.mjs';

const seconds = Number(process.argv[2] ?? 180);
const connections = Number(process.argv[3] ?? 16);
const seed = Number(process.argv[4] ?? Date.now() % 1_000_000);
const root = fileURLToPath(new URL('../../..', import.meta.url));
const SECRET = 'whsec_soak_0123456789abcdef0123456789';
const MAX_ERRORS_IN_PROBLEM = 20;

/**
 * The bytes of proxy-wasm 0.2's map of live HTTP contexts (hashbrown, `u32 -> Box<dyn
 * HttpContext>`: 12-byte slots on wasm32, a control byte per slot and a 4-byte group) when it
 * holds `contexts` at once: slots are a power of two kept at most 7/8 full.
 */
function contextTableBytes(contexts) {
  const slots = contexts < 4 ? 4 : contexts < 8 ? 8 : 2 ** Math.ceil(Math.log2((contexts * 8) / 7));
  return slots * 12 + slots + 4;
}

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

/** The deliveries and what each must get. `expect`: { status, errors?, upstream?: sha256 }. */
function buildPool() {
  const verdicts = JSON.parse(readFileSync(join(root, 'tests/expected/verdicts.json'), 'utf8'));
  const valid = [];
  const normalized = [];
  const invalid = [];
  for (const [path, verdict] of Object.entries(verdicts)) {
    const body = readFileSync(join(root, path));
    if (verdict.valid) {
      valid.push({ name: path, listener: 'enforce', body, expect: { status: 200, upstream: sha256(body) } });
      const bytes = Buffer.from(JSON.stringify(verdict.normalized));
      normalized.push({ name: path, listener: 'normalize', body, expect: { status: 200, upstream: sha256(bytes) } });
    } else {
      invalid.push({
        name: path, listener: 'enforce', body,
        expect: { status: 400, errors: located(verdict.errors.slice(0, MAX_ERRORS_IN_PROBLEM)) },
      });
    }
  }
  const hostile = hostileCases().map(({ name, body, expected }) => ({
    name, listener: 'enforce', body,
    expect: expected.valid
      ? { status: 200, upstream: sha256(body) }
      : { status: expected.errors[0].code === 'body_too_large' ? 413 : 400, errors: expected.errors },
  }));
  // The huge hostile bodies are sent rarely: they test the limit, not the loopback's bandwidth.
  const huge = hostile.filter((item) => item.body.length > 4 * 1024 * 1024);
  const ordinary = hostile.filter((item) => item.body.length <= 4 * 1024 * 1024);
  return { valid, normalized, invalid, hostile: ordinary, huge, signedBody: valid[0].body };
}

/** The share of each kind of traffic. */
const MIX = [
  ['valid', 0.35], ['normalized', 0.15], ['invalid', 0.2], ['hostile', 0.2], ['signed', 0.0995], ['huge', 0.0005],
];

function signedHeaders(body, requestId, { tamper = false } = {}) {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const mac = createHmac('sha256', SECRET).update(`${timestamp}.${requestId}.`).update(body).digest('hex');
  return {
    'webhook-signature': tamper ? mac.replace(/^./, (c) => (c === '0' ? '1' : '0')) : mac,
    'webhook-timestamp': timestamp,
    'webhook-request-id': requestId,
  };
}

/** Upstream: counts arrivals and hashes bytes per soak id; keeps no bodies. */
async function startRecordingUpstream() {
  const arrivals = new Map();
  const upstream = await startUpstream({
    record: ({ headers, body }) => {
      const id = headers['x-soak-id'];
      const seen = arrivals.get(id);
      if (seen) seen.count += 1;
      else arrivals.set(id, { count: 1, sha256: sha256(body) });
    },
  });
  return { ...upstream, arrivals };
}

function envoyRssBytes(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(status.match(/VmRSS:\s+(\d+) kB/)[1]) * 1024;
}

const mib = (bytes) => `${(bytes / 1048576).toFixed(1)} MiB`;
const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;

/** Envoy's stats once every VM has idled through two heap readings (its tick is one second). */
async function idleStats(envoy) {
  await new Promise((resolve) => setTimeout(resolve, 2500));
  return envoy.stats();
}

async function main() {
  const pool = buildPool();
  const upstream = await startRecordingUpstream();
  const envoy = await startEnvoy(envoyConfig({
    upstreamPort: upstream.port,
    listeners: {
      enforce: {},
      normalize: { normalize: true },
      // Several times the signed deliveries a 5-minute soak sends (~50k): buckets of 8 then
      // practically never overflow (at ~1/5 load, 2 live ids were evicted in a 300 s run).
      signed: { signature: { secrets: [SECRET] }, replay_slots: 1 << 20 },
    },
  }));
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const random = generator(seed);
  const pick = (items) => items[Math.floor(random() * items.length)];
  const failures = [];
  const fail = (message) => { if (failures.length < 50) failures.push(message); };
  const sent = new Map(); // soak id -> sha256 the upstream must see, or null: must not arrive
  const counts = { requests: 0, byKind: {}, byStatus: {} };
  let nextId = 0;
  const acceptedSigned = [];

  /** One delivery of `kind`; checks the answer; remembers what the upstream must have seen. */
  async function deliverOne(kind, chosen) {
    const id = `s${++nextId}`;
    let item = chosen;
    let extraHeaders = {};
    if (kind === 'signed') {
      const roll = random();
      if (roll < 0.2 && acceptedSigned.length > 0) {
        // A recent one, so that it is a copy within the tolerance rather than a stale one: the
        // service took it, so the copy is acknowledged (200, marked) and never forwarded.
        const replay = pick(acceptedSigned.slice(-50));
        item = { name: 'signed copy', listener: 'signed', body: pool.signedBody, expect: { status: 200, duplicate: true } };
        extraHeaders = replay.headers;
      } else if (roll < 0.3) {
        item = { name: 'signed tampered', listener: 'signed', body: pool.signedBody, expect: { status: 401 } };
        extraHeaders = signedHeaders(pool.signedBody, `req-${id}`, { tamper: true });
      } else {
        item = { name: 'signed', listener: 'signed', body: pool.signedBody, expect: { status: 200, upstream: sha256(pool.signedBody) } };
        extraHeaders = signedHeaders(pool.signedBody, `req-${id}`);
      }
    } else {
      item ??= pick(pool[kind]);
    }
    sent.set(id, item.expect.upstream ?? null);
    counts.requests += 1;
    counts.byKind[kind] = (counts.byKind[kind] ?? 0) + 1;
    let response;
    try {
      // Envoy closes a connection whose body it refused unread (413); such requests go on a
      // connection of their own, so the pooled ones keep their worker and the load its shape.
      const connection = item.expect.status === 413 ? false : agent;
      response = await send(envoy.ports[item.listener], {
        headers: { 'content-type': 'application/json', 'x-soak-id': id, ...extraHeaders },
        body: item.body,
        agent: connection,
      });
    } catch (error) {
      fail(`${id} ${item.name}: request failed: ${error.message}`);
      return;
    }
    counts.byStatus[response.status] = (counts.byStatus[response.status] ?? 0) + 1;
    if (response.status !== item.expect.status) {
      // The body of an unexpected answer is Envoy's or the filter's, never the payload's.
      fail(`${id} ${item.name}: status ${response.status}, expected ${item.expect.status}: ${response.body.toString().slice(0, 200)}`);
      return;
    }
    if (item.expect.duplicate && response.headers['x-hookguard-duplicate'] !== 'delivered') {
      fail(`${id} ${item.name}: not acknowledged as a duplicate`);
      return;
    }
    if (item.expect.errors) {
      const problem = JSON.parse(response.body.toString());
      if (JSON.stringify(located(problem.errors)) !== JSON.stringify(item.expect.errors)) {
        fail(`${id} ${item.name}: findings ${JSON.stringify(located(problem.errors))}`);
      }
    }
    if (kind === 'signed' && response.status === 200 && !item.expect.duplicate) acceptedSigned.push({ headers: extraHeaders });
  }

  function chooseKind() {
    let roll = random();
    for (const [kind, share] of MIX) {
      if (roll < share) return kind;
      roll -= share;
    }
    return 'valid';
  }

  /** Keeps every connection busy while `more()`; `next()` gives [kind, item or undefined]. */
  async function drive(more, next) {
    const workers = Array.from({ length: connections }, async () => {
      while (more()) await deliverOne(...next());
    });
    await Promise.all(workers);
  }

  // Warm-up: every fixture and every ordinary hostile case three times, spread over every
  // connection, then the mix for half the run (at least 15 s). Wasm memory only grows,
  // to the high-water mark of the requests a VM holds at once; the warm-up lets each VM reach
  // it, so that growth after the baseline means memory kept across requests.
  const warmup = ['valid', 'normalized', 'invalid', 'hostile']
    .flatMap((kind) => pool[kind].map((item) => [kind, item]));
  const queue = [...warmup, ...warmup, ...warmup];
  const started = Date.now();
  await drive(() => queue.length > 0, () => queue.pop());
  // The largest accepted bodies on every connection at once: the most a VM can hold.
  const largest = [...pool.valid, ...pool.hostile]
    .filter((item) => item.expect.status === 200)
    .sort((a, b) => b.body.length - a.body.length)
    .slice(0, 3);
  for (const item of [...largest, ...largest]) {
    const peak = Array.from({ length: connections }, () => ['hostile', item]);
    await drive(() => peak.length > 0, () => peak.pop());
  }
  // The mix at full rate for half the run (at least 15 s), so that every kind of request has
  // been through every VM before the baseline: the idle heap then holds all a VM ever keeps
  // (its configuration, metric ids), and linear memory stands near its mark (a VM can still
  // step up later, by arrival order: only the heap is held to no growth).
  const settleUntil = Date.now() + Math.max(15, seconds / 2) * 1000;
  await drive(() => Date.now() < settleUntil, () => [chooseKind()]);
  const baselineStats = await idleStats(envoy);
  const baseline = vmMemory(baselineStats);
  const baselineHeap = vmHeap(baselineStats);
  const baselineRss = envoyRssBytes(envoy.pid);
  const vmsCreated = baselineStats.get('wasm.envoy.wasm.runtime.v8.created');
  console.log(`warm-up: ${counts.requests} requests in ${((Date.now() - started) / 1000).toFixed(1)} s; VM memory ${[...baseline.values()].map(mib).join(', ')}; live heap when idle ${[...baselineHeap.values()].map(kib).join(', ')}; Envoy RSS ${mib(baselineRss)}`);

  const soakStart = Date.now();
  const soakRequestsBefore = counts.requests;
  const deadline = soakStart + seconds * 1000;
  const samples = [];
  const sampler = setInterval(async () => {
    const stats = await envoy.stats();
    samples.push({ at: Math.round((Date.now() - soakStart) / 1000), memory: vmMemory(stats), rss: envoyRssBytes(envoy.pid) });
    const last = samples.at(-1);
    console.log(`  ${last.at}s: ${counts.requests - soakRequestsBefore} requests, VM memory ${[...last.memory.values()].map(mib).join(', ')}, Envoy RSS ${mib(last.rss)}`);
  }, 15_000);
  await drive(() => Date.now() < deadline, () => [chooseKind()]);
  clearInterval(sampler);
  const soakSeconds = (Date.now() - soakStart) / 1000;
  const soakRequests = counts.requests - soakRequestsBefore;
  agent.destroy();

  // The books: what reached the upstream against what was sent.
  let deliveredValid = 0;
  let refusedReached = 0;
  for (const [id, upstreamHash] of sent) {
    const arrived = upstream.arrivals.get(id);
    if (upstreamHash === null) {
      if (arrived) {
        refusedReached += 1;
        fail(`${id}: refused delivery reached the upstream ${arrived.count} time(s)`);
      }
    } else if (!arrived) {
      fail(`${id}: valid delivery never reached the upstream`);
    } else if (arrived.count !== 1) {
      fail(`${id}: valid delivery reached the upstream ${arrived.count} times`);
    } else if (arrived.sha256 !== upstreamHash) {
      fail(`${id}: upstream received different bytes`);
    } else {
      deliveredValid += 1;
    }
  }
  for (const id of upstream.arrivals.keys()) if (!sent.has(id)) fail(`upstream saw unknown id ${id}`);

  const stats = await idleStats(envoy);
  const after = vmMemory(stats);
  const heapAfter = vmHeap(stats);
  const fivexx = ['enforce', 'normalize', 'signed'].reduce((sum, name) => sum + (stats.get(`http.${name}.downstream_rq_5xx`) ?? 0), 0);
  if (fivexx !== 0) fail(`${fivexx} 5xx answers`);
  if (stats.get('wasmcustom.hookguard.verdict.internal_error') !== 0) fail('the filter counted internal errors');
  const evicted = stats.get('wasmcustom.hookguard.replay.evicted_unexpired');
  if (evicted !== 0) fail(`${evicted} live request ids evicted from the replay store`);
  if (stats.get('wasm.envoy.wasm.runtime.v8.created') !== vmsCreated) fail('Envoy created VMs during the soak (a VM failed and was replaced)');
  for (const [name, value] of stats) {
    if (/^wasm\..*vm_reload/.test(name) && value !== 0) fail(`${name} = ${value}`);
  }
  if (/panicked|wasm trap|Function: proxy_on_\w+ failed|VM failed|Plugin configured to fail/i.test(envoy.log())) {
    fail('Envoy logged a wasm failure');
  }
  // Leaks are judged by the live heap read while idle: what the VM's code holds once no request
  // is in flight, which memory kept across requests raises by exactly what it kept, whatever
  // order the requests came in. Linear memory is only bounded: it grows to wherever the
  // allocator's free blocks stopped fitting the bodies a VM held at once, which depends on
  // connection placement and arrival order (seen in CI: one VM stepping 5.5 -> 6.7 MiB in the
  // soak of a 30 s run, the plateau both hot VMs reach in every longer run); runaway
  // fragmentation would still pass twice the fleet's warm-up mark.
  // One structure may legitimately step up after the warm-up: proxy-wasm's dispatcher keeps a
  // VM's live HTTP contexts in a hash map that keeps its size once grown, so the first time a
  // VM holds more requests at once than ever before (connection placement decides), the idle
  // heap rises by the table's growth (seen in CI: 208 bytes, the map going from 16 to 32 slots
  // at 15 live requests). The allowance is that table sized for every connection at once; a
  // leak of a byte per request passes it within a second of this traffic.
  const contextTableSlack = contextTableBytes(connections);
  if (baselineHeap.size !== baseline.size) fail(`${baselineHeap.size} heap gauges for ${baseline.size} VMs`);
  const fleetHighWater = Math.max(...baseline.values());
  for (const [tag, bytes] of after) {
    if (!baseline.has(tag)) {
      fail(`VM ${tag} appeared during the soak`);
      continue;
    }
    const [held, heldBefore] = [heapAfter.get(tag), baselineHeap.get(tag)];
    if (held - heldBefore > contextTableSlack) {
      fail(`VM ${tag} holds ${held - heldBefore} bytes more when idle than after warm-up (${heldBefore} -> ${held}; allowed: ${contextTableSlack}, the SDK's context table)`);
    }
    if (bytes > 2 * fleetHighWater) {
      fail(`VM ${tag} linear memory grew from ${baseline.get(tag)} to ${bytes} bytes, past twice the fleet's warm-up mark of ${fleetHighWater}`);
    }
  }
  const rssAfter = envoyRssBytes(envoy.pid);
  await envoy.stop();
  await upstream.stop();

  console.log(`soak: ${soakSeconds.toFixed(0)} s, ${soakRequests} requests (${(soakRequests / soakSeconds).toFixed(0)}/s) over ${connections} connections, seed ${seed}`);
  console.log(`  by kind: ${JSON.stringify(counts.byKind)}; by status: ${JSON.stringify(counts.byStatus)}`);
  console.log(`  valid deliveries that reached the upstream exactly once, byte-exact: ${deliveredValid}; refused ones that reached it: ${refusedReached}`);
  console.log(`  5xx: ${fivexx}; VMs: ${after.size}, created during the run: ${stats.get('wasm.envoy.wasm.runtime.v8.created') - vmsCreated}`);
  console.log(`  VM linear memory after warm-up -> end: ${[...after].map(([tag, bytes]) => `${mib(baseline.get(tag) ?? 0)} -> ${mib(bytes)}`).join(', ')}`);
  console.log(`  VM live heap when idle, after warm-up -> end: ${[...heapAfter].map(([tag, bytes]) => `${kib(baselineHeap.get(tag) ?? 0)} -> ${kib(bytes)}`).join(', ')}`);
  console.log(`  Envoy RSS after warm-up -> end: ${mib(baselineRss)} -> ${mib(rssAfter)} (samples: ${samples.map((s) => mib(s.rss)).join(', ')})`);
  if (failures.length > 0) {
    console.log(`SOAK FAILED (${failures.length}${failures.length === 50 ? '+' : ''} problems):`);
    for (const failure of failures) console.log(`  ${failure}`);
    process.exitCode = 1;
  } else {
    console.log('soak passed');
  }
}

await main();
