// Next.js (App Router): the runtime tests' receiver as route handlers, as an application mounts
// `fetchHandler` in an `app/.../route.js`. Two applications re-export these: `next/` as
// `create-next-app` makes one today (Turbopack, no configuration) and `next-webpack/` built with
// webpack (which needs `serverExternalPackages`, see its next.config.mjs). Each is built by
// `next build` and served by `next start`, Next's own server.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as api from 'hookguard';
import { DirectoryQuarantine } from 'hookguard/quarantine';
import { createApp, redisSharedGate } from './app.mjs';

let app;
/**
 * The receiver, made on the first request: the driver's configuration comes with `next start`,
 * and with it the Redis that `/shared` keeps request ids in (hookguard/shared, node-redis).
 */
async function makeReceiver() {
  const config = JSON.parse(process.env.HOOKGUARD_TEST_CONFIG);
  const quarantine = (gate) => new DirectoryQuarantine(gate, mkdtempSync(join(tmpdir(), 'hookguard-next-')));
  const redis = process.env.HOOKGUARD_REDIS;
  const shared = redis
    ? await redisSharedGate(api, config, redis, { ...(await import('redis')), ...(await import('hookguard/shared')) })
    : undefined;
  return createApp(api, config, { quarantine, shared });
}

const handle = async (request) => (await (app ??= makeReceiver()))(request);
export { handle as GET, handle as POST, handle as PUT, handle as PATCH, handle as DELETE };
