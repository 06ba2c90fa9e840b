// The two receivers the HTTP benchmark sets side by side in one runtime, same load, same run:
// hookguard's Fetch handler, and the handler a team writes without it (JSON.parse, then one ajv
// validator compiled per event schema, 2020-12 with formats and allErrors, picked by
// `event_name`; 400 with ajv's errors, else 200). Neither checks signatures: the figure is the
// validation's.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { fetchHandler } from 'hookguard/fetch';

export function benchRoutes(api, root) {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats(ajv);
  const readSchema = (path) => JSON.parse(readFileSync(join(root, path), 'utf8'));
  const byName = new Map();
  for (const file of readdirSync(join(root, 'schemas/events'))) {
    byName.set(file.replace(/\.json$/, ''), ajv.compile(readSchema(`schemas/events/${file}`)));
  }
  const testDelivery = ajv.compile(readSchema('schemas/test-delivery.json'));
  const json = (status, body) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  return {
    '/bench/hookguard': fetchHandler(new api.Gate(), () => undefined),
    '/bench/ajv': async (request) => {
      let payload;
      try {
        payload = JSON.parse(await request.text());
      } catch (error) {
        return json(400, { error: error.message });
      }
      if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) return json(400, { error: 'not an object' });
      const validator = 'event_name' in payload ? byName.get(payload.event_name) : testDelivery;
      if (!validator) return json(400, { error: 'unknown event' });
      if (!validator(payload)) return json(400, { errors: validator.errors });
      return json(200, { received: true, eventName: payload.event_name ?? null });
    },
  };
}

/** `app` with the benchmark's routes in front, when HOOKGUARD_BENCH_REPO names the repository. */
export async function withBench(api, app, root) {
  if (!root) return app;
  const routes = benchRoutes(api, root);
  return (request) => {
    const route = routes[new URL(request.url).pathname];
    return route ? route(request) : app(request);
  };
}
