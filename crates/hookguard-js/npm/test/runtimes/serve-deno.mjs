// Deno: the package imported with an npm: specifier (resolved from node_modules), served by Deno.serve on 127.0.0.1.
import * as api from 'npm:hookguard';
import { DirectoryQuarantine } from 'npm:hookguard/quarantine';
import { createApp, redisSharedGate } from './app.mjs';
import { withBench } from './bench-app.mjs';

const config = JSON.parse(Deno.env.get('HOOKGUARD_TEST_CONFIG'));
// hookguard/shared with node-redis, when the driver gives a Redis.
const redis = Deno.env.get('HOOKGUARD_REDIS');
const shared = redis
  ? await redisSharedGate(api, config, redis, { ...(await import('npm:redis')), ...(await import('npm:hookguard/shared')) })
  : undefined;
const quarantine = (gate) => new DirectoryQuarantine(gate, Deno.makeTempDirSync({ prefix: 'hookguard-deno-' }));
const app = await withBench(api, createApp(api, config, { quarantine, shared }), Deno.env.get('HOOKGUARD_BENCH_REPO'));
Deno.serve({ hostname: '127.0.0.1', port: 0, onListen: ({ port }) => console.log(`listening ${port}`) }, app);
