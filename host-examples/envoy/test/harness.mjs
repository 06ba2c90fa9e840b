// Real components for the end-to-end tests: a recording upstream (Node's http server) and the
// real Envoy binary, both on 127.0.0.1 on ports the kernel picks, both stopped by the tests.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import { connect as http2Connect } from 'node:http2';
import { connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const envoyBinary = process.env.ENVOY;
export const gatewayWasm = process.env.HOOKGUARD_GATEWAY_WASM;
if (!envoyBinary || !gatewayWasm) {
  throw new Error('set ENVOY and HOOKGUARD_GATEWAY_WASM (`scripts/just gateway-test` does)');
}

/**
 * An HTTP server that records every request it receives (headers and raw body bytes), or hands
 * each to `record` instead (the soak keeps counts and hashes, not bodies).
 */
export async function startUpstream({ record } = {}) {
  const received = [];
  // Requests whose headers arrived but whose body never completed (Envoy reset them).
  const incomplete = [];
  const keep = record ?? ((request) => received.push(request));
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('error', () => {}); // a reset request is recorded below, not an error
    req.on('close', () => {
      if (!req.complete) incomplete.push({ headers: req.headers, bytes: Buffer.concat(chunks).length });
    });
    req.on('end', () => {
      keep({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('received');
    });
  });
  server.keepAliveTimeout = 30_000; // longer than Envoy's upstream idle_timeout
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: server.address().port,
    received,
    incomplete,
    /** The request the upstream saw with this test id, if any. */
    find: (id) => received.find((request) => request.headers['x-test-id'] === id),
    stop: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }),
  };
}

/**
 * A webhook service that fails on purpose, for the delivery contract's tests and soak: per
 * request id (the sender's own `webhook-request-id`: under Istio's block the verdict headers
 * cannot be added), the first `failures` attempts are answered 503 (or the connection is reset,
 * with `reset`), after `delayMs`; then 200, after `workMs` (a function of nothing: each call may
 * differ). It counts the attempts it saw and the ones it took (answered 2xx).
 */
export async function startFlakyService({ workMs = () => 0 } = {}) {
  const plans = new Map();
  const seen = new Map();
  const taken = new Map();
  const server = createServer((req, res) => {
    req.on('error', () => {});
    req.resume();
    req.on('end', async () => {
      const id = req.headers['webhook-request-id'] ?? '-';
      const plan = plans.get(id) ?? { failures: 0 };
      const attempt = (seen.get(id) ?? 0) + 1;
      seen.set(id, attempt);
      if (plan.delayMs) await sleep(plan.delayMs);
      if (attempt <= plan.failures) {
        if (plan.reset) return req.socket.destroy();
        res.writeHead(503, { 'content-type': 'text/plain' });
        return res.end('try later');
      }
      taken.set(id, (taken.get(id) ?? 0) + 1);
      const work = workMs();
      if (work > 0) await sleep(work);
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('taken');
    });
  });
  server.keepAliveTimeout = 30_000; // longer than Envoy's upstream idle_timeout
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: server.address().port,
    plan: (id, plan) => plans.set(id, plan),
    seen: (id) => seen.get(id) ?? 0,
    taken: (id) => taken.get(id) ?? 0,
    stop: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }),
  };
}

/** mulberry32: a small seeded generator, so a failing run can be repeated with its seed. */
export function generator(state) {
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The Envoy configuration for the tests, as JSON (which Envoy reads like YAML): one listener
 * per named plugin configuration, all in front of one upstream, one VM per worker shared by
 * the plugins. A listener whose plugin configuration is `null` has no hookguard filter.
 * `bufferLimit` is Envoy's per-connection buffer: keep it above the plugin's max_bytes.
 * `modules` gives another filter module for some listeners (the benchmark's empty filter), in
 * a VM of its own. Listeners named in `istioShaped` get the filter block Istio's WasmPlugin
 * generates: its own VM, and no `allow_on_headers_stop_iteration` (WasmPlugin cannot set it).
 * `clusters` adds clusters by name -> port on 127.0.0.1 (the shared store's webdis).
 */
export function envoyConfig({ upstreamPort, listeners, bufferLimit = 4 * 1024 * 1024, modules = {}, istioShaped = [], clusters = {} }) {
  return {
    admin: { address: { socket_address: { address: '127.0.0.1', port_value: 0 } } },
    static_resources: {
      listeners: Object.entries(listeners).map(([name, pluginConfig]) => ({
        name,
        address: { socket_address: { address: '127.0.0.1', port_value: 0 } },
        per_connection_buffer_limit_bytes: bufferLimit,
        filter_chains: [{
          filters: [{
            name: 'envoy.filters.network.http_connection_manager',
            typed_config: {
              '@type': 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
              stat_prefix: name,
              codec_type: 'AUTO',
              route_config: {
                virtual_hosts: [{ name: 'receiver', domains: ['*'], routes: [{ match: { prefix: '/' }, route: { cluster: 'receiver' } }] }],
              },
              http_filters: [
                ...(pluginConfig === null ? [] : [{
                  name: 'hookguard',
                  typed_config: istioShaped.includes(name) ? istioFilter(name, pluginConfig) : {
                    '@type': 'type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm',
                    config: {
                      name: `hookguard-${name}`,
                      root_id: `hookguard-${name}`,
                      allow_on_headers_stop_iteration: true,
                      fail_open: false,
                      configuration: {
                        '@type': 'type.googleapis.com/google.protobuf.StringValue',
                        value: JSON.stringify(pluginConfig),
                      },
                      vm_config: {
                        vm_id: modules[name] ? `other-${name}` : 'hookguard',
                        runtime: 'envoy.wasm.runtime.v8',
                        code: { local: { filename: modules[name] ?? gatewayWasm } },
                      },
                    },
                  },
                }]),
                { name: 'envoy.filters.http.router', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router' } },
              ],
            },
          }],
        }],
      })),
      clusters: [...Object.entries(clusters).map(([name, port]) => ({
        // Another service the filter calls (the shared store's webdis), plain HTTP/1.1.
        name,
        type: 'STATIC',
        connect_timeout: '0.25s',
        load_assignment: {
          cluster_name: name,
          endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: '127.0.0.1', port_value: port } } } }] }],
        },
      })), {
        name: 'receiver',
        type: 'STATIC',
        connect_timeout: '1s',
        // Envoy must close an idle upstream connection before the upstream does; otherwise a
        // request sent on a connection the upstream is closing gets a 503 (the soak met it).
        typed_extension_protocol_options: {
          'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': {
            '@type': 'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
            common_http_protocol_options: { idle_timeout: '4s' },
            explicit_http_config: { http_protocol_options: {} },
          },
        },
        load_assignment: {
          cluster_name: 'receiver',
          endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: '127.0.0.1', port_value: upstreamPort } } } }] }],
        },
      }],
    },
  };
}

/**
 * The wasm filter as Istio generates it from a WasmPlugin (`<namespace>.<name>`, pluginConfig
 * as JSON text, failStrategy FAIL_CLOSE, a VM of its own), with none of the options Istio does
 * not expose: in particular no `allow_on_headers_stop_iteration`, so a filter that pauses on
 * headers is not called for the body until it resumes.
 */
function istioFilter(name, pluginConfig) {
  return {
    '@type': 'type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm',
    config: {
      name: `default.${name}`,
      root_id: '',
      fail_open: false,
      configuration: { '@type': 'type.googleapis.com/google.protobuf.StringValue', value: JSON.stringify(pluginConfig) },
      vm_config: { runtime: 'envoy.wasm.runtime.v8', code: { local: { filename: gatewayWasm } } },
    },
  };
}

/** Runs `envoy --mode validate` on a configuration file; resolves to { code, output }. */
export function validateConfig(configPath, cwd) {
  return run(envoyBinary, ['--mode', 'validate', '-c', configPath, '--disable-hot-restart', '-l', 'warning'], cwd);
}

function run(command, args, cwd) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (data) => { output += data; });
    child.stderr.on('data', (data) => { output += data; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

/**
 * Starts Envoy with a configuration (an object, or a file path) and waits until it serves.
 * Returns the listeners' ports by name, the admin port, its log, and stop().
 */
export async function startEnvoy(config, { cwd, concurrency = 2 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'hookguard-envoy-'));
  let configPath = config;
  if (typeof config === 'object') {
    configPath = join(dir, 'envoy.json');
    writeFileSync(configPath, JSON.stringify(config, null, 2));
  }
  const adminPath = join(dir, 'admin-address');
  const child = spawn(envoyBinary, [
    '-c', configPath, '--concurrency', String(concurrency), '--disable-hot-restart',
    '--admin-address-path', adminPath, '-l', 'info',
  ], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr.on('data', (data) => { log += data; });
  const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
    rmSync(dir, { recursive: true, force: true });
  };
  // Compiling the module for each VM takes seconds on a small machine.
  const deadline = Date.now() + 60_000;
  let adminPort;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`envoy exited with ${child.exitCode}:\n${log.slice(-3000)}`);
    try {
      if (!adminPort) {
        // Envoy may be caught writing the file: an empty or partial address is read again.
        const port = Number(readFileSync(adminPath, 'utf8').trim().split(':').pop());
        if (Number.isInteger(port) && port > 0) adminPort = port;
        else throw new Error('the admin address is not written yet');
      }
      const ready = await get(adminPort, '/ready');
      if (ready.status === 200) break;
    } catch { /* not up yet */ }
    await sleep(100);
  }
  if (!adminPort || Date.now() >= deadline) {
    await stop();
    throw new Error(`envoy did not become ready:\n${log.slice(-3000)}`);
  }
  const listeners = JSON.parse((await get(adminPort, '/listeners?format=json')).body.toString());
  const ports = Object.fromEntries(listeners.listener_statuses.map((status) => [
    status.name, status.local_address.socket_address.port_value,
  ]));
  return {
    ports,
    adminPort,
    pid: child.pid,
    log: () => log,
    stop,
    /** Envoy's counters as a Map name -> value. */
    async stats() {
      const text = (await get(adminPort, '/stats')).body.toString();
      return new Map(text.split('\n').filter(Boolean).map((line) => {
        const at = line.lastIndexOf(': ');
        return [line.slice(0, at), Number(line.slice(at + 2))];
      }));
    },
  };
}

/** Each VM's linear memory from Envoy's stats: Map VM tag -> bytes (the filter's per-VM gauges). */
export function vmMemory(stats) {
  return vmGauge(stats, 'memory_bytes');
}

/**
 * Each VM's live heap from Envoy's stats: Map VM tag -> bytes its code held when it last
 * idled (the gauge is read on the filter's one-second tick, so wait two ticks after traffic).
 */
export function vmHeap(stats) {
  return vmGauge(stats, 'heap_bytes');
}

function vmGauge(stats, gauge) {
  const values = new Map();
  const pattern = new RegExp(`^wasmcustom\\.hookguard\\.vm\\.([0-9a-f]+)\\.${gauge}$`);
  for (const [name, value] of stats) {
    const tag = name.match(pattern)?.[1];
    if (tag) values.set(tag, value);
  }
  return values;
}

/** A GET over HTTP/1.1; resolves to { status, headers, body }. */
export function get(port, path) {
  return send(port, { method: 'GET', path });
}

/**
 * One HTTP/1.1 request, on a fresh connection unless an `agent` (a keep-alive pool) is given.
 * `body` is sent with a content-length, or in `chunks` with chunked transfer encoding.
 * Resolves to { status, headers, body }.
 */
export function send(port, { method = 'POST', path = '/hooks', headers = {}, body, chunks, agent = false, timeoutMs = 20_000 }) {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers, agent }, (res) => {
      const parts = [];
      res.on('data', (part) => parts.push(part));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(parts) }));
      res.on('error', reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer to ${method} ${path} within ${timeoutMs} ms`)));
    req.on('error', reject);
    if (chunks) {
      for (const chunk of chunks) req.write(chunk);
      req.end();
    } else {
      req.end(body);
    }
  });
}

/** One HTTP/2 (h2c) request whose body is followed by trailers. */
export function sendHttp2WithTrailers(port, { path = '/hooks', headers = {}, body }) {
  return new Promise((resolve, reject) => {
    const client = http2Connect(`http://127.0.0.1:${port}`);
    client.on('error', reject);
    const stream = client.request({ ':method': 'POST', ':path': path, ...headers }, { waitForTrailers: true });
    stream.on('wantTrailers', () => stream.sendTrailers({ 'x-delivery-checksum': 'none' }));
    let status;
    const parts = [];
    stream.on('response', (responseHeaders) => { status = responseHeaders[':status']; });
    stream.on('data', (part) => parts.push(part));
    stream.on('end', () => { client.close(); resolve({ status, body: Buffer.concat(parts) }); });
    stream.on('error', (error) => { client.close(); reject(error); });
    stream.setTimeout(20_000, () => stream.close());
    stream.end(body);
  });
}

/** Raw bytes over TCP (for requests Node's HTTP client refuses to send); resolves to the status. */
export function sendRaw(port, bytes) {
  return new Promise((resolve, reject) => {
    // write, not end: Envoy treats a half-closed downstream as an aborted request.
    const socket = tcpConnect(port, '127.0.0.1', () => socket.write(bytes));
    let answer = '';
    socket.setTimeout(20_000, () => socket.destroy(new Error('no answer within 20 s')));
    socket.on('data', (data) => { answer += data.toString('latin1'); });
    socket.on('error', reject);
    socket.on('close', () => resolve(Number(answer.match(/^HTTP\/1\.1 (\d{3})/)?.[1] ?? 0)));
  });
}
