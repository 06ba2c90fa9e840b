// One receiver process for bench/shared-bench.mjs: `node bench/receiver-process.mjs PORT
// SECRET [REDIS_URL]`, its request ids in this process or, with REDIS_URL, in Redis. Prints
// "ready" once it listens.
import { createServer } from 'node:http';
import { createClient } from 'redis';
import { RedisMemory } from 'hookguard/shared';
import { createReceiver } from 'hookguard/node';

const [port, secret, redisUrl] = process.argv.slice(2);
let memory;
if (redisUrl) {
  const client = createClient({ url: redisUrl, disableOfflineQueue: true });
  client.on('error', () => {});
  await client.connect();
  memory = new RedisMemory(client);
}
const receiver = createReceiver({ config: { signature: { secrets: [secret] } }, memory, onEvent() {}, log: { error() {} } });
createServer(receiver).listen(Number(port), '127.0.0.1', () => console.log('ready'));
