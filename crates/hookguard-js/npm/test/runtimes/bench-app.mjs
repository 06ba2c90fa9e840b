// The two receivers the HTTP benchmark sets side by side in one runtime, same load, same run:
// hookguard's Fetch handler, and the handler a team writes without it (JSON.parse, then one ajv
// validator compiled per event schema, 2020-12 with formats and allErrors, picked by
// `event_name`; 400 with ajv's errors, else 200). Neither checks signatures: the figure is the
// validation's.
import { fetchHandler } from 'hookguard/fetch';
import { ajvReceiver } from './ajv-per-event.mjs';

export function benchRoutes(api, root) {
  return {
    '/bench/hookguard': fetchHandler(new api.Gate(), () => undefined),
    '/bench/ajv': ajvReceiver(root),
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
