// hookguard as Hono middleware (Node, Deno, Bun, Workers): refused deliveries get the Gate's
// answer; a valid one is set as `c.get('hookguard')` (the validation result with `signature`
// and `requestId`) and your route runs. The delivery is settled by what your route answers:
// `delivered` for a 2xx, `failed` for anything else or an error, so the sender's retry is
// checked as a new delivery. The same code as `hookguard/fetch`.
import { admitRequest, settleDelivery } from './fetch.mjs';

/**
 * `app.post('/webhooks/ocrolus', hookguard(gate), (c) => ...)`. `gate`: a Gate (made with
 * `normalize: true` for `normalized`) or a SharedGate; `now`: the clock, for tests.
 */
export function hookguard(gate, { now } = {}) {
  if (typeof gate?.admit !== 'function' || typeof gate?.settle !== 'function') {
    throw new TypeError('hookguard() needs a Gate (new Gate(config)) or a SharedGate');
  }
  return async (c, next) => {
    const { response, admission, delivery } = await admitRequest(gate, c.req.raw, now);
    if (response) return response;
    c.set('hookguard', delivery);
    let outcome = 'failed';
    try {
      await next();
      // Hono turns a route's error into c.error and a 500 response; otherwise the route's
      // status says, by the Gate's rule.
      outcome = c.error ? 'failed' : c.res.status;
    } finally {
      await settleDelivery(gate, admission, outcome, now);
    }
  };
}
