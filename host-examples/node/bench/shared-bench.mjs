// What the shared memory costs a Node receiver, in one run on the same load: the example
// receiver with its request ids in the process and in Redis (node-redis), each in a process of
// its own, signed deliveries with a new request id each. Rounds alternate the receivers.
// Usage: node bench/shared-bench.mjs [SECONDS] [ROUNDS] [CONCURRENCY]
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startRedis } from '../../../tests/stores/servers.mjs';
import { run, signedRequests } from '../../../tests/bench/signed-load.mjs';

const [seconds = 5, rounds = 3, concurrency = 8] = process.argv.slice(2).map(Number);
const root = fileURLToPath(new URL('../../../', import.meta.url));
const body = readFileSync(join(root, 'tests/fixtures/seeds/account/BOOK_VERIFIED.json'));
const secret = 'whsec_bench';
const script = fileURLToPath(new URL('./receiver-process.mjs', import.meta.url));

async function receiver(redisUrl) {
  const port = await freePort();
  const child = spawn(process.execPath, [script, String(port), secret, ...(redisUrl ? [redisUrl] : [])], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve) => child.stdout.on('data', (data) => { if (String(data).includes('ready')) resolve(); }));
  return { port, stop: () => { child.kill(); return new Promise((resolve) => child.on('exit', resolve)); } };
}

const redis = await startRedis();
const receivers = { process: await receiver(), redis: await receiver(redis.url) };
const results = { process: [], redis: [] };
try {
  for (let round = 0; round < rounds; round += 1) {
    for (const name of Object.keys(results)) {
      const requests = signedRequests({ body, secret, label: `${name}-${round}`, count: 60_000 });
      results[name].push(await run({ port: receivers[name].port, path: '/webhooks/ocrolus', body, requests, concurrency, seconds }));
    }
  }
} finally {
  for (const one of Object.values(receivers)) await one.stop();
  await redis.stop();
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const summary = Object.fromEntries(Object.entries(results).map(([name, runs]) => [name, {
  perSecond: Math.round(median(runs.map((r) => r.perSecond))),
  p50: Number(median(runs.map((r) => r.p50)).toFixed(3)),
  p99: Number(median(runs.map((r) => r.p99)).toFixed(3)),
  statuses: runs.at(-1).statuses,
}]));
console.log(JSON.stringify({ seconds, rounds, concurrency, summary }, null, 1));
console.log(`Redis vs process: p50 +${(summary.redis.p50 - summary.process.p50).toFixed(2)} ms, ${(summary.redis.perSecond / summary.process.perSecond).toFixed(2)}x the requests/s`);
