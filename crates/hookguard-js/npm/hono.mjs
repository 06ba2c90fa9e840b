// hookguard as Hono middleware (Node, Deno, Bun, Workers): refused deliveries get the Gate's
// answer; a valid one is set as `c.get('hookguard')` (the validation result with `signature`
// and `requestId`) and your route runs. The delivery is settled by what your route answers:
// `delivered` for a 2xx, `failed` for anything else or an error, so the sender's retry is
// checked as a new delivery. The same code as `hookguard/fetch`.
import { admitRequest, quarantineStore, settleDelivery } from './fetch.mjs';

/**
 * `app.post('/webhooks/ocrolus', hookguard(gate), (c) => ...)`. `gate`: a Gate (made with
 * `normalize: true` for `normalized`) or a SharedGate; `now`: the clock, for tests;
 * `quarantine`: the store refused deliveries are kept in (needed when the Gate has a
 * `quarantine` option); `log`: where a store's failure is logged.
 */
export function hookguard(gate, { now, quarantine, log = console } = {}) {
  if (typeof gate?.admit !== 'function' || typeof gate?.settle !== 'function') {
    throw new TypeError('hookguard() needs a Gate (new Gate(config)) or a SharedGate');
  }
  const store = quarantineStore(gate, quarantine, 'hookguard()');
  return async (c, next) => {
    const { response, admission, delivery } = await admitRequest(gate, c.req.raw, now, store, log);
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
