// Real stores for the tests of the memory replicas share, on 127.0.0.1 ports the kernel picks:
// Debian's redis-server (no persistence) and webdis (its HTTP front, which the gateway calls),
// started and stopped by the tests.
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';

/** A port the kernel says is free now. */
export async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Resolves once something accepts connections on `port`, or throws after 10 s. */
async function accepting(port, child, name, log) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited: ${log()}`);
    const up = await new Promise((resolve) => {
      const socket = connect(port, '127.0.0.1', () => { socket.end(); resolve(true); });
      socket.on('error', () => resolve(false));
    });
    if (up) return;
    if (Date.now() > deadline) { child.kill('SIGKILL'); throw new Error(`${name} did not start: ${log()}`); }
    await sleep(50);
  }
}

/** A child process that `stop()` kills and waits for. */
function stoppable(child) {
  const exited = new Promise((resolve) => child.on('exit', resolve));
  return async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  };
}

/**
 * Starts webdis in front of the Redis on `redisPort` (on `port`, or a free one), allowing only
 * the commands the memory uses (`EVALSHA`, and `EVAL` for a script Redis does not know yet), as
 * a deployment should; `commands` allows others (`['EVAL']`: the setup documented before).
 */
export async function startWebdis(redisPort, port, { commands = ['EVAL', 'EVALSHA'] } = {}) {
  port ??= await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'hookguard-webdis-'));
  const config = join(dir, 'webdis.json');
  writeFileSync(config, JSON.stringify({
    redis_host: '127.0.0.1', redis_port: redisPort, http_host: '127.0.0.1', http_port: port,
    threads: 2, pool_size: 8, daemonize: false, websockets: false, database: 0,
    verbosity: 1, logfile: join(dir, 'webdis.log'),
    acl: [{ disabled: ['*'] }, { enabled: commands }],
  }));
  const child = spawn('webdis', [config], { stdio: 'ignore' });
  await accepting(port, child, 'webdis', () => '');
  const stop = stoppable(child);
  return { port, async stop() { await stop(); rmSync(dir, { recursive: true, force: true }); } };
}

/**
 * Runs one command against the Redis on `port` with Debian's `redis-cli` (installed with
 * redis-server) and resolves with its output, without the last newline: `OK`, a value (empty
 * for none), an array's items one per line, or an error's text.
 */
export async function redisCommand(port, ...args) {
  const { stdout } = await promisify(execFile)('redis-cli', ['-p', String(port), ...args], { timeout: 5_000 });
  return stdout.replace(/\n$/, '');
}

/** Starts redis-server; resolves once it accepts connections. */
export async function startRedis(port) {
  port ??= await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr.on('data', (data) => { log += data; });
  await accepting(port, child, 'redis-server', () => log);
  const stop = stoppable(child);
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    stop,
  };
}
