// Gateway benchmark: the same Envoy, the same upstream, the same ~1 KB delivery, with and
// without the hookguard filter, loaded by wrk; and, as the floor any wasm filter starts from,
// an empty proxy-wasm filter (HOOKGUARD_EMPTY_FILTER_WASM) that does nothing, and the same
// filter holding each request until its body is complete (what a validator must do). Throughput is measured at saturation (16
// connections); latency with one connection, so that it shows the time a request takes and
// not the time it queues. Prints both, the filter's cost, and the memory each VM holds. Numbers go into BENCHMARKS.md by hand;
// nothing here passes or fails on speed.
//
// Usage: node bench/gateway-bench.mjs [seconds per run] [rounds]
import { spawn } from 'node:child_process';
import { readFileSync, statSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { envoyConfig, gatewayWasm, send, startEnvoy, vmMemory } from '../test/harness.mjs';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const seconds = Number(process.argv[2] ?? 10);
const rounds = Number(process.argv[3] ?? 3);
const saturating = 16;
const payloadPath = 'tests/fixtures/seeds/organization/document.detect.unable_to_process.json';
const payload = readFileSync(join(root, payloadPath));

/** A second Envoy as the upstream: answers 200 from memory, so the upstream is never the bottleneck. */
function upstreamConfig() {
  return {
    admin: { address: { socket_address: { address: '127.0.0.1', port_value: 0 } } },
    static_resources: {
      listeners: [{
        name: 'upstream',
        address: { socket_address: { address: '127.0.0.1', port_value: 0 } },
        filter_chains: [{
          filters: [{
            name: 'envoy.filters.network.http_connection_manager',
            typed_config: {
              '@type': 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
              stat_prefix: 'upstream',
              route_config: {
                virtual_hosts: [{
                  name: 'upstream', domains: ['*'],
                  routes: [{ match: { prefix: '/' }, direct_response: { status: 200, body: { inline_string: 'received' } } }],
                }],
              },
              http_filters: [
                // Read the whole body before answering: a response sent while the body is still
                // arriving makes Envoy close the connection, and the benchmark would measure
                // connection set-up instead of the filter.
                { name: 'envoy.filters.http.buffer', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.buffer.v3.Buffer', max_request_bytes: 1048576 } },
                { name: 'envoy.filters.http.router', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router' } },
              ],
            },
          }],
        }],
      }],
    },
  };
}

function wrk(port, script, connections) {
  return new Promise((resolve, reject) => {
    const child = spawn('wrk', [
      '-t1', `-c${connections}`, `-d${seconds}s`, '--latency', '-s', script, `http://127.0.0.1:${port}/hooks`,
    ], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (data) => { output += data; });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(parse(output)) : reject(new Error(`wrk exited ${code}`))));
  });
}

const micros = (text) => {
  const [, value, unit] = text.match(/([\d.]+)(us|ms|s)/);
  return Number(value) * { us: 1, ms: 1000, s: 1_000_000 }[unit];
};

function parse(output) {
  const percentile = (p) => micros(output.match(new RegExp(`^\\s+${p}%\\s+(\\S+)`, 'm'))[1]);
  const non2xx = Number(output.match(/Non-2xx or 3xx responses: (\d+)/)?.[1] ?? 0);
  return {
    rps: Number(output.match(/Requests\/sec:\s+([\d.]+)/)[1]),
    p50: percentile(50),
    p99: percentile(99),
    non2xx,
  };
}

const dir = mkdtempSync(join(tmpdir(), 'hookguard-bench-'));
const script = join(dir, 'post.lua');
writeFileSync(script, [
  'wrk.method = "POST"',
  `wrk.body = ${JSON.stringify(payload.toString())}`,
  'wrk.headers["Content-Type"] = "application/json"',
].join('\n'));

const upstream = await startEnvoy(upstreamConfig(), { concurrency: 1 });
const emptyWasm = process.env.HOOKGUARD_EMPTY_FILTER_WASM;
if (!emptyWasm) throw new Error('HOOKGUARD_EMPTY_FILTER_WASM must name the empty filter module (scripts/just gateway-bench builds it)');
const gateway = await startEnvoy(envoyConfig({
  upstreamPort: upstream.ports.upstream,
  listeners: { filtered: {}, direct: null, empty: {}, holding: 'hold' },
  modules: { empty: emptyWasm, holding: emptyWasm },
}), { concurrency: 1 });
const paths = {
  direct: 'no filter',
  empty: 'empty wasm filter (does nothing)',
  holding: 'empty wasm filter holding the request until its body is complete',
  filtered: 'hookguard filter',
};

try {
  // Both paths must work before they are timed.
  for (const name of Object.keys(paths)) {
    const response = await send(gateway.ports[name], { headers: { 'content-type': 'application/json' }, body: payload });
    if (response.status !== 200) throw new Error(`${name}: ${response.status} ${response.body}`);
  }
  const results = Object.fromEntries(Object.keys(paths).map((name) => [name, { load: [], single: [] }]));
  for (let round = 0; round < rounds; round += 1) {
    for (const name of Object.keys(paths)) {
      results[name].load.push(await wrk(gateway.ports[name], script, saturating));
      results[name].single.push(await wrk(gateway.ports[name], script, 1));
    }
  }
  const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const summary = Object.fromEntries(Object.entries(results).map(([name, { load, single }]) => [name, {
    rps: median(load.map((run) => run.rps)),
    p50: median(single.map((run) => run.p50)),
    p99: median(single.map((run) => run.p99)),
    non2xx: [...load, ...single].reduce((sum, run) => sum + run.non2xx, 0),
  }]));
  const stats = await gateway.stats();
  console.log(`payload: ${payloadPath} (${payload.length} bytes); envoy --concurrency 1; ${rounds} rounds of ${seconds} s, medians`);
  console.log(`| path | requests/s (wrk -c${saturating}) | p50 (wrk -c1) | p99 (wrk -c1) | non-2xx |`);
  console.log('|---|---:|---:|---:|---:|');
  for (const [name, result] of Object.entries(summary)) {
    console.log(`| ${paths[name]} | ${result.rps.toFixed(0)} | ${result.p50.toFixed(0)} us | ${result.p99.toFixed(0)} us | ${result.non2xx} |`);
  }
  const { direct, empty, holding, filtered } = summary;
  const ratio = (a, b) => `${(a.rps / b.rps).toFixed(2)}x`;
  console.log(`hookguard filter throughput: ${ratio(filtered, direct)} of no filter (target >= 0.8x); ${ratio(filtered, holding)} of the holding empty filter`);
  console.log(`empty filter: ${ratio(empty, direct)} of no filter; holding empty filter: ${ratio(holding, direct)}`);
  const added = (a, b) => `p50 +${(a.p50 - b.p50).toFixed(0)} us, p99 +${(a.p99 - b.p99).toFixed(0)} us`;
  console.log(`hookguard filter added latency at one connection: ${added(filtered, direct)} over no filter (target p50 <= 50 us, p99 <= 100 us); ${added(filtered, holding)} over the holding empty filter`);
  console.log(`valid verdicts counted: ${stats.get('wasmcustom.hookguard.verdict.valid')}`);
  const memory = [...vmMemory(stats).values()].map((bytes) => (bytes / 1048576).toFixed(1));
  console.log(`linear memory per VM: ${memory.join(', ')} MiB`);
  console.log(`module: ${statSync(gatewayWasm).size} bytes`);
} finally {
  await gateway.stop();
  await upstream.stop();
}
