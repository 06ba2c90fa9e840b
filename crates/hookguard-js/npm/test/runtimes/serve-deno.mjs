// Deno: the package imported with an npm: specifier (resolved from node_modules), served by Deno.serve on 127.0.0.1.
import * as api from 'npm:hookguard';
import { DirectoryQuarantine } from 'npm:hookguard/quarantine';
import { createApp, sharedConfig } from './app.mjs';
import { withBench } from './bench-app.mjs';

const config = JSON.parse(Deno.env.get('HOOKGUARD_TEST_CONFIG'));
// hookguard/shared with node-redis, when the driver gives a Redis.
let shared;
if (Deno.env.get('HOOKGUARD_REDIS')) {
  const { createClient } = await import('npm:redis');
  const { RedisMemory, SharedGate } = await import('npm:hookguard/shared');
  const client = createClient({ url: Deno.env.get('HOOKGUARD_REDIS') });
  await client.connect();
  shared = new SharedGate(new api.Gate(sharedConfig(config)), new RedisMemory(client));
}
const quarantine = (gate) => new DirectoryQuarantine(gate, Deno.makeTempDirSync({ prefix: 'hookguard-deno-' }));
const app = await withBench(api, createApp(api, config, { quarantine, shared }), Deno.env.get('HOOKGUARD_BENCH_REPO'));
Deno.serve({ hostname: '127.0.0.1', port: 0, onListen: ({ port }) => console.log(`listening ${port}`) }, app);
