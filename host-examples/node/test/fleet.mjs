// A fleet of receivers for the tests: `node test/fleet.mjs PORT REDIS_URL [WORKERS]` forks
// WORKERS processes (default 2) sharing one port (node:cluster hands connections round-robin),
// each running the example receiver with its request ids in one Redis. Every handled delivery
// is printed by the primary as a JSON line `{"handled": requestId, "pid": pid}`; "ready" once all
// workers listen. The handler fails the first attempt of ids starting with `fail-` (counted in
// Redis, so across workers) and takes 300 ms for ids starting with `slow-`.
import cluster from 'node:cluster';
import { createServer } from 'node:http';
import { createClient } from 'redis';
import { RedisMemory } from 'hookguard/shared';
import { createReceiver } from 'hookguard/node';

const [port, redisUrl, workers = '2'] = process.argv.slice(2);
export const SECRET = 'whsec_fleet';

if (cluster.isPrimary) {
  let listening = 0;
  for (let index = 0; index < Number(workers); index += 1) {
    const worker = cluster.fork();
    worker.on('message', (message) => console.log(JSON.stringify(message)));
    worker.on('listening', () => { if (++listening === Number(workers)) console.log('ready'); });
  }
  process.on('SIGTERM', () => { for (const worker of Object.values(cluster.workers)) worker.kill(); process.exit(0); });
} else {
  const client = createClient({ url: redisUrl, disableOfflineQueue: true });
  client.on('error', () => {}); // counted by the SharedGate when a call fails
  await client.connect();
  const receiver = createReceiver({
    config: { signature: { secrets: [SECRET] } },
    memory: new RedisMemory(client),
    log: { error: () => {} },
    async onEvent(event, result) {
      const id = result.requestId;
      if (id.startsWith('fail-') && await client.incr(`test:attempts:${id}`) === 1) throw new Error('first attempt fails');
      if (id.startsWith('slow-')) await new Promise((resolve) => setTimeout(resolve, 300));
      process.send({ handled: id, pid: process.pid });
    },
  });
  createServer((req, res) => {
    res.setHeader('x-worker', String(process.pid));
    receiver(req, res);
  }).listen(Number(port), '127.0.0.1');
}
