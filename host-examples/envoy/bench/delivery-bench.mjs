// What the delivery memory costs in Envoy, in one run on the same load: signed deliveries (a new
// request id each) through the same Envoy with the filter's memory in shared data (one Envoy's
// reach) and in Redis through webdis (every gateway's), and, as the floor, unsigned deliveries
// (no memory at all). Rounds alternate the listeners. Usage: node bench/delivery-bench.mjs
// [SECONDS] [ROUNDS] [CONCURRENCY]
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { envoyConfig, startEnvoy } from '../test/harness.mjs';
import { startRedis, startWebdis } from '../../../tests/stores/servers.mjs';
import { run, signedRequests } from '../../../tests/bench/signed-load.mjs';

const [seconds = 5, rounds = 3, concurrency = 8] = process.argv.slice(2).map(Number);
const root = fileURLToPath(new URL('../../..', import.meta.url));
const body = readFileSync(join(root, 'tests/fixtures/seeds/organization/book.verified.json'));
const secret = 'whsec_bench';

const service = createServer((req, res) => { req.resume(); req.on('end', () => { res.writeHead(200); res.end(); }); });
service.keepAliveTimeout = 30_000;
await new Promise((resolve) => service.listen(0, '127.0.0.1', resolve));
const redis = await startRedis();
const webdis = await startWebdis(redis.port);
const signature = { secrets: [secret] };
const envoy = await startEnvoy(envoyConfig({
  upstreamPort: service.address().port,
  clusters: { webdis: webdis.port },
  listeners: {
    unsigned: {},
    process: { signature, replay_slots: 1 << 20 },
    shared: { signature, shared_store: { cluster: 'webdis' } },
  },
}));

const results = { unsigned: [], process: [], shared: [] };
try {
  for (let round = 0; round < rounds; round += 1) {
    for (const listener of Object.keys(results)) {
      const requests = listener === 'unsigned'
        ? Array.from({ length: 2_000_000 }, () => ({ 'content-type': 'application/json', 'content-length': String(body.length) }))
        : signedRequests({ body, secret, label: `${listener}-${round}`, count: 40_000 });
      results[listener].push(await run({ port: envoy.ports[listener], path: '/hooks', body, requests, concurrency, seconds }));
    }
  }
} finally {
  await envoy.stop();
  await webdis.stop();
  await redis.stop();
  await new Promise((resolve) => { service.closeAllConnections(); service.close(resolve); });
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const summary = Object.fromEntries(Object.entries(results).map(([listener, runs]) => [listener, {
  perSecond: Math.round(median(runs.map((r) => r.perSecond))),
  p50: Number(median(runs.map((r) => r.p50)).toFixed(3)),
  p99: Number(median(runs.map((r) => r.p99)).toFixed(3)),
  statuses: runs.at(-1).statuses,
}]));
console.log(JSON.stringify({ seconds, rounds, concurrency, summary }, null, 1));
const { process: local, shared, unsigned } = summary;
console.log(`shared store vs shared data: p50 +${(shared.p50 - local.p50).toFixed(2)} ms, p99 +${(shared.p99 - local.p99).toFixed(2)} ms, ${(shared.perSecond / local.perSecond).toFixed(2)}x the requests/s`);
console.log(`shared data vs unsigned: p50 +${(local.p50 - unsigned.p50).toFixed(2)} ms, ${(local.perSecond / unsigned.perSecond).toFixed(2)}x the requests/s`);
