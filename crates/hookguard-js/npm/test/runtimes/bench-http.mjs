// Requests/s of hookguard's Fetch handler (Hono middleware in Node) against a receiver doing
// JSON.parse + per-event ajv itself, in the same runtime, under the same load tool (autocannon,
// in this Node process), rounds alternated, medians of three. The bodies cycle through lines of a
// capture (valid and broken ones as they come). Usage:
//   node bench-http.mjs CAPTURE.ndjson [SECONDS] [CONNECTIONS]   (HOOKGUARD_REPO set)
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { start } from './servers.mjs';

const [capture, seconds = '4', connections = '8'] = process.argv.slice(2);
const bodies = readFileSync(capture, 'utf8').split('\n').filter(Boolean).slice(0, 200);
const requests = bodies.map((body) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body }));

function load(url) {
  return new Promise((resolve, reject) => {
    autocannon({ url, connections: Number(connections), duration: Number(seconds), requests }, (error, result) =>
      (error ? reject(error) : resolve(result)));
  });
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
console.log(`capture ${capture.split('/').pop()}: ${bodies.length} bodies cycled, ${connections} connections, ${seconds} s per round, medians of 3`);
console.log('| runtime | hookguard handler req/s | JSON.parse + ajv req/s | ratio | p50 hookguard / ajv |');
console.log('|---|---:|---:|---:|---:|');
for (const runtime of ['node (hono)', 'deno', 'bun']) {
  const server = await start(runtime, { HOOKGUARD_BENCH_REPO: process.env.HOOKGUARD_REPO });
  try {
    const rates = { hookguard: [], ajv: [] };
    const p50 = { hookguard: [], ajv: [] };
    await load(`${server.base}/bench/hookguard`); // warm-up: JIT, compiled validators
    await load(`${server.base}/bench/ajv`);
    for (let round = 0; round < 3; round += 1) {
      for (const route of round % 2 ? ['ajv', 'hookguard'] : ['hookguard', 'ajv']) {
        const result = await load(`${server.base}/bench/${route}`);
        if (result.errors || result.non2xx + result['2xx'] === 0) throw new Error(`${runtime} ${route}: ${result.errors} errors`);
        rates[route].push(result.requests.average);
        p50[route].push(result.latency.p50);
      }
    }
    const ours = median(rates.hookguard);
    const theirs = median(rates.ajv);
    console.log(`| ${runtime} | ${Math.round(ours)} | ${Math.round(theirs)} | ${(ours / theirs).toFixed(2)}x | ${median(p50.hookguard)} / ${median(p50.ajv)} ms |`);
  } finally {
    server.stop();
  }
}
