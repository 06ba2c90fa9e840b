// Bun: the package imported from node_modules, served by Bun.serve on 127.0.0.1.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as api from 'hookguard';
import { DirectoryQuarantine } from 'hookguard/quarantine';
import { createApp, sharedConfig } from './app.mjs';
import { withBench } from './bench-app.mjs';

const config = JSON.parse(process.env.HOOKGUARD_TEST_CONFIG);
// hookguard/shared with node-redis, when the driver gives a Redis.
let shared;
if (process.env.HOOKGUARD_REDIS) {
  const { createClient } = await import('redis');
  const { RedisMemory, SharedGate } = await import('hookguard/shared');
  const client = createClient({ url: process.env.HOOKGUARD_REDIS });
  await client.connect();
  shared = new SharedGate(new api.Gate(sharedConfig(config)), new RedisMemory(client));
}
const quarantine = (gate) => new DirectoryQuarantine(gate, mkdtempSync(join(tmpdir(), 'hookguard-bun-')));
const app = await withBench(api, createApp(api, config, { quarantine, shared }), process.env.HOOKGUARD_BENCH_REPO);
const server = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: app });
console.log(`listening ${server.port}`);
