// Bun: the package imported from node_modules, served by Bun.serve on 127.0.0.1.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as api from 'hookguard';
import { DirectoryQuarantine } from 'hookguard/quarantine';
import { createApp, redisSharedGate } from './app.mjs';
import { withBench } from './bench-app.mjs';

const config = JSON.parse(process.env.HOOKGUARD_TEST_CONFIG);
// hookguard/shared with node-redis, when the driver gives a Redis.
const redis = process.env.HOOKGUARD_REDIS;
const shared = redis
  ? await redisSharedGate(api, config, redis, { ...(await import('redis')), ...(await import('hookguard/shared')) })
  : undefined;
const quarantine = (gate) => new DirectoryQuarantine(gate, mkdtempSync(join(tmpdir(), 'hookguard-bun-')));
const app = await withBench(api, createApp(api, config, { quarantine, shared }), process.env.HOOKGUARD_BENCH_REPO);
const server = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: app });
console.log(`listening ${server.port}`);
