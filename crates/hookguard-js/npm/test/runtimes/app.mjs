// The receiver every runtime serves in the runtime tests, written once against the Fetch API:
// the package's own handler (`hookguard/fetch`) on every delivery route, and two routes that
// answer with what the package computed in this runtime (`/normalize`, `/verify`), so that the
// driver (runtimes.test.mjs, in Node) can hold each runtime to the recorded fixtures over HTTP.
//
// `api` is the package as the runtime imports it; `config` comes from the driver: the
// signature vectors' secrets, tolerance and clock.
import { fetchHandler } from 'hookguard/fetch';

/** What the handler does with a delivery, as the driver asks (`x-test-outcome`). */
async function onDelivery(event, delivery, request) {
  const outcome = request.headers.get('x-test-outcome');
  if (outcome === 'throw') throw new Error('the service is down');
  if (outcome === 'status-503') return new Response('busy', { status: 503 });
  return undefined;
}

/** Each delivery route's Gate configuration: the same in every runtime and framework. */
export function gateConfigs(config) {
  const signature = (secrets, onReplay) => ({ secrets, toleranceSeconds: config.toleranceSeconds, onReplay });
  return {
    '/hooks': { normalize: true },
    '/small': { maxBytes: 1024 },
    '/signed': { normalize: true, signature: signature([config.secrets.current], 'reject') },
    '/signed-rotating': { normalize: true, signature: signature([config.secrets.current, config.secrets.previous], 'reject') },
    // The delivery contract, with the default replay policy (copies of a delivered one acknowledged).
    '/contract': { normalize: true, signature: signature([config.secrets.current]) },
  };
}

/**
 * The quarantine route's Gate: signed deliveries, an authentic one refused for its content
 * kept and answered 202. A runtime with files keeps entries in a directory; Workers have none.
 */
export function quarantineConfig(config, directory) {
  return {
    signature: { secrets: [config.secrets.current], toleranceSeconds: config.toleranceSeconds },
    quarantine: { answer: 'accept', ...(directory ? { directory } : {}) },
  };
}

/** The shared-memory route's Gate configuration (signed deliveries; the memory is Redis). */
export function sharedConfig(config) {
  return { signature: { secrets: [config.secrets.current], toleranceSeconds: config.toleranceSeconds } };
}

/**
 * The SharedGate a runtime serves on `/shared` when the driver gives a Redis (`url`):
 * hookguard/shared's memory on node-redis. `modules`: what the runtime imported them as
 * (`createClient` from redis; `RedisMemory`, `SharedGate` from hookguard/shared).
 */
export async function redisSharedGate(api, config, url, { createClient, RedisMemory, SharedGate }) {
  const client = createClient({ url });
  await client.connect();
  return new SharedGate(new api.Gate(sharedConfig(config)), new RedisMemory(client));
}

export function quarantineGate(api, config) {
  return new api.Gate(quarantineConfig(config));
}

/** A Gate per delivery route. */
export function gates(api, config) {
  return Object.fromEntries(Object.entries(gateConfigs(config)).map(([path, gate]) => [path, new api.Gate(gate)]));
}

/**
 * `shared` is a SharedGate to serve on `/shared`. `quarantine(gate)` makes the store the
 * runtime keeps refused deliveries in (absent in
 * Workers, where the handler then refuses the quarantine route's Gate when it is made, and the
 * route answers that refusal's message with 501).
 */
export function createApp(api, config, { quarantine, shared } = {}) {
  const quiet = { error() {} };
  const now = () => config.now;
  const routes = Object.fromEntries(
    Object.entries(gates(api, config)).map(([path, gate]) => [path, fetchHandler(gate, onDelivery, { now, log: quiet })]),
  );
  // `shared`: a SharedGate on Redis (hookguard/shared), where the runtime has a Redis client.
  if (shared) routes['/shared'] = fetchHandler(shared, onDelivery, { now, log: quiet });
  const keeping = quarantineGate(api, config);
  const store = quarantine?.(keeping);
  try {
    routes['/quarantine'] = fetchHandler(keeping, onDelivery, { now, log: quiet, quarantine: store });
  } catch (error) {
    routes['/quarantine'] = async () => new Response(error.message, { status: 501 });
  }
  return async (request) => {
    const { pathname } = new URL(request.url);
    if (pathname === '/ready') return new Response('ready');
    if (pathname === '/quarantine/held') {
      return new Response(JSON.stringify(store ? await store.held() : []), { headers: { 'content-type': 'application/json' } });
    }
    if (pathname === '/normalize' || pathname === '/validate') {
      const body = new Uint8Array(await request.arrayBuffer());
      const result = pathname === '/normalize' ? api.normalize(body) : api.validate(body);
      return new Response(JSON.stringify(result), { headers: { 'content-type': 'application/json' } });
    }
    if (pathname === '/verify') {
      const body = new Uint8Array(await request.arrayBuffer());
      const secrets = request.headers.get('x-test-secrets').split(',').map((name) => config.secrets[name]);
      const verdict = api.verify(request.headers, body, { secrets, toleranceSeconds: config.toleranceSeconds, now: config.now });
      return new Response(JSON.stringify(verdict), { headers: { 'content-type': 'application/json' } });
    }
    const route = routes[pathname];
    if (route) return route(request);
    return new Response('not found', { status: 404 });
  };
}
