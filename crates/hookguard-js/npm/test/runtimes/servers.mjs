// How the runtime tests and benchmarks start each runtime's server on 127.0.0.1: the command,
// and for workerd the Worker bundled and its configuration written. HOOKGUARD_REPO: the
// repository (the signature vectors give the servers their secrets and clock).
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

const vectors = JSON.parse(readFileSync(join(process.env.HOOKGUARD_REPO, 'tests/fixtures/signatures/vectors.json'), 'utf8'));

/** What every server is told: the signature vectors' secrets, tolerance and clock. */
export const config = {
  secrets: vectors.secrets,
  toleranceSeconds: vectors.tolerance_seconds,
  now: vectors.now,
};

/** A free port on 127.0.0.1, for a runtime that cannot be told to pick one. */
function freePort() {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * A Next.js application as it is deployed: `next build` (its output in the application's
 * `.next`), then `next start`, Next's own server, on a free port.
 */
async function nextApplication(directory, buildArguments = []) {
  const port = await freePort();
  const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' };
  try {
    execFileSync('node_modules/.bin/next', ['build', directory, ...buildArguments], { env, encoding: 'utf8', stdio: 'pipe' });
  } catch (error) {
    throw new Error(`next build ${directory} failed:\n${error.stdout}${error.stderr}`);
  }
  return { command: 'node_modules/.bin/next', args: ['start', directory, '--port', String(port), '--hostname', '127.0.0.1'], port, env };
}

export const RUNTIMES = {
  'node (http)': async () => ({ command: process.execPath, args: ['serve-node.mjs'] }),
  'node (express)': async () => ({ command: process.execPath, args: ['serve-express.mjs'] }),
  'node (hono)': async () => ({ command: process.execPath, args: ['serve-hono.mjs'] }),
  'node (fastify)': async () => ({ command: process.execPath, args: ['serve-fastify.mjs'] }),
  'next.js (turbopack)': async () => nextApplication('next'),
  'next.js (webpack)': async () => nextApplication('next-webpack', ['--webpack']),
  deno: async () => ({ command: 'node_modules/.bin/deno', args: ['run', '-A', 'serve-deno.mjs'] }),
  bun: async () => ({ command: 'node_modules/.bin/bun', args: ['serve-bun.mjs'] }),
  workerd: async () => {
    // A Worker as Cloudflare deploys one: bundled (esbuild, the `workerd` export condition),
    // its WebAssembly a module of its own that the runtime compiles when the Worker loads.
    const port = await freePort();
    mkdirSync('dist/web', { recursive: true });
    execFileSync('node_modules/.bin/esbuild', ['worker.mjs', '--bundle', '--format=esm', '--platform=neutral',
      '--conditions=workerd,worker', '--main-fields=module,main', '--external:*.wasm', '--outfile=dist/worker.js', '--log-level=warning']);
    copyFileSync('node_modules/hookguard/web/hookguard_js_bg.wasm', 'dist/web/hookguard_js_bg.wasm');
    writeFileSync('dist/config.capnp', `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [(name = "main", worker = .worker)],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "main")],
);
const worker :Workerd.Worker = (
  modules = [
    (name = "worker.js", esModule = embed "worker.js"),
    (name = "web/hookguard_js_bg.wasm", wasm = embed "web/hookguard_js_bg.wasm"),
  ],
  compatibilityDate = "2026-11-01",
  bindings = [(name = "HOOKGUARD_TEST_CONFIG", text = ${JSON.stringify(JSON.stringify(config))})],
);
`);
    return { command: 'node_modules/.bin/workerd', args: ['serve', 'dist/config.capnp', '--verbose'], port };
  },
};

/** Starts a runtime's server; resolves with its base URL once it answers. */
export async function start(name, extraEnv = {}) {
  const { command, args, port, env } = await RUNTIMES[name]();
  const polled = port ? `http://127.0.0.1:${port}` : undefined;
  const child = spawn(command, args, {
    env: { ...process.env, ...env, ...extraEnv, HOOKGUARD_TEST_CONFIG: JSON.stringify(config), NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let done = false;
  const base = await new Promise((resolveStart, rejectStart) => {
    const resolve = (value) => { done = true; resolveStart(value); };
    const reject = (error) => { done = true; rejectStart(error); };
    const timer = setTimeout(() => reject(new Error(`${name} did not start in 60 s:\n${output}`)), 60_000);
    const seen = (chunk) => {
      output += chunk;
      const listening = /listening (\d+)/.exec(output)?.[1];
      if (listening) {
        clearTimeout(timer);
        resolve(`http://127.0.0.1:${listening}`);
      }
    };
    child.stdout.on('data', seen);
    child.stderr.on('data', seen);
    // workerd says nothing once it listens: ask it.
    const poll = async () => {
      if (!polled || done) return;
      try {
        if ((await fetch(`${polled}/ready`)).ok) {
          clearTimeout(timer);
          return resolve(polled);
        }
      } catch {
        // not listening yet
      }
      setTimeout(poll, 200);
    };
    poll();
    child.on('exit', (code) => reject(new Error(`${name} exited (${code}):\n${output}`)));
  });
  return { base, stop: () => child.kill('SIGTERM'), output: () => output };
}

