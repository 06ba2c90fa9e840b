// `hookguard/express`: hookguard as Express middleware (Node). Mount it on your webhook route
// before any body parser (or behind `express.raw({ type: '*/*' })`, whose bytes it takes as
// they are): refused deliveries get the Gate's answer; a valid one is `req.hookguard` and your
// route runs; the delivery is settled `delivered` when your route answers 2xx, `failed`
// otherwise. The same middleware as `hookguard/node`'s, which has the receiver for `node:http`.
//
//   app.post('/webhooks/ocrolus', hookguard({ config }), (req, res) => { ...; res.sendStatus(204); });
export { hookguardMiddleware as hookguard, hookguardMiddleware } from './node.mjs';
