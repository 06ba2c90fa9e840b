// `hookguard/node` (and `hookguard/express`): a webhook receiver in plain Node (`node:http`):
// reads the raw body (never JSON.parse first), hands the
// request to hookguard's Gate, answers a refusal with the Gate's answer (the same status and
// document, byte for byte, as the hookguard gateway filter), and hands a valid delivery's
// normalized event to your handler, answering 200 only once the handler has resolved and 500
// when it throws, so that the sender retries: a webhook is at-least-once, and no delivery is
// acknowledged and then dropped. `hookguardMiddleware` is the same as an Express-style
// middleware: it sets `req.hookguard`, calls `next()` for valid deliveries, and settles the
// delivery by the status your route answers with.
//
// Nothing about what is refused, or how, is decided here: this file only moves bytes between
// Node's request and the Gate, and the Gate's answer back to the response.
import { Gate } from './index.mjs';
import { keepRefused, quarantineStore, settleDelivery } from './fetch.mjs';
import { DirectoryQuarantine } from './quarantine.mjs';
import { SharedGate } from './shared.mjs';

/**
 * Sends a Gate answer: its status and, for a refusal, its problem document as it is. A request
 * whose body was not read to its end (refused first) closes the connection: what is left of
 * the body is not read, and the connection cannot carry another request after it.
 */
function send(req, res, answer) {
  // The core's headers, as they are; the length of the document sent with them.
  const headers = { ...answer.headers, 'content-length': Buffer.byteLength(answer.problem) };
  if (!req.complete) headers.connection = 'close';
  res.writeHead(answer.status, headers);
  res.end(answer.problem);
}

/** Reads at most `readLimit` bytes of the body (the Gate's: a sender cannot make us buffer more). */
function readBody(req, readLimit) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= readLimit) {
        req.pause();
        resolve(Buffer.concat(chunks).subarray(0, readLimit));
      }
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * Settles the delivery's claim once the response is sent: delivered for a 2xx, failed for any
 * other status, or when the connection closed before a response was sent (the sender retries
 * then, and the retry is checked as a new delivery).
 */
function settleOnResponse(gate, admission, req, res, now, byResponse) {
  if (admission.claimToken === undefined) return;
  let settled = false;
  const settle = async (outcome) => {
    if (settled) return;
    settled = true;
    // A store failure is counted and logged by the SharedGate, as in the Fetch handler.
    await settleDelivery(gate, admission, outcome, now);
  };
  settlers.set(req, settle);
  if (!byResponse) return;
  res.on('finish', () => settle(res.statusCode));
  res.on('close', () => settle('failed'));
}

/** How each admitted request's delivery is settled, for a receiver that knows before its response does. */
const settlers = new WeakMap();

/**
 * Express-style middleware: `(req, res, next)`. Answers refused deliveries itself (a copy of
 * a delivery already handled is acknowledged with 200 and `x-hookguard-duplicate: delivered`;
 * one arriving while the first is being handled gets 503 with `retry-after`); for valid ones
 * sets `req.hookguard` (the validation result, with `normalized`, plus `signature` and
 * `requestId` when signatures are checked) and calls `next()`. The delivery counts as
 * delivered when your route answers 2xx, and is forgotten otherwise, so answer 2xx only once
 * it is handled (or durably queued).
 *
 * `config` is hookguard's configuration in JavaScript's spelling, as in every host:
 * `{ maxBytes, maxDepth, strict, revealValues, maxFindings, allowedEvents, problem,
 *    signature: { secrets, toleranceSeconds, required, onReplay, inFlightSeconds }, replaySlots }`.
 * `now` is the clock (Unix seconds), for tests.
 * `settleByResponse: false` leaves settling to the caller (see createReceiver). `memory` is a
 * memory shared by replicas (`new RedisMemory(client)` from `hookguard/shared`), `store` its
 * options (`{ onStoreError: 'refuse' | 'process', timeoutMs, log }`); without it, request ids
 * are remembered in this process only. `quarantine` is where refused deliveries are kept when
 * `config.quarantine` is set (`new RedisQuarantine(gate, client)` from `hookguard/shared` for
 * a fleet); by default the directory `config.quarantine.directory` names.
 */
export function hookguardMiddleware({ config = {}, now, settleByResponse = true, memory, store = {}, quarantine } = {}) {
  const own = new Gate({ ...config, normalize: true });
  // With a shared memory, request ids are claimed in it (one store for every replica).
  const gate = memory ? new SharedGate(own, memory, store) : own;
  // Opened now: a quarantine that cannot be written stops the receiver from starting.
  const kept = quarantineStore(gate, quarantine ?? (own.quarantine?.directory ? new DirectoryQuarantine(own) : undefined), 'hookguardMiddleware');
  const log = store.log ?? console;
  const middleware = async (req, res, next) => {
    const declared = req.headers['content-length'] === undefined ? undefined : Number(req.headers['content-length']);
    const screened = gate.screen(req.method, req.headers['content-type'], declared);
    if (screened) return send(req, res, screened);
    // Behind express.raw() the body is already read, as bytes; any other parser has already
    // lost what hookguard checks, so mount this before it.
    const body = Buffer.isBuffer(req.body) ? req.body : await readBody(req, gate.readLimit);
    // headersDistinct keeps a repeated header's every value, for the Gate to refuse.
    const admission = await gate.admit(req.headersDistinct ?? req.headers, body, now?.());
    if (!admission.passes) return send(req, res, await keepRefused(gate, admission, body, kept, { now, log }));
    settleOnResponse(gate, admission, req, res, now, settleByResponse);
    req.hookguard = admission.delivery;
    return next();
  };
  // The Gate, for the answers a receiver sends itself (a failed handler's).
  middleware.gate = gate;
  return middleware;
}

/**
 * A request listener for `http.createServer`: deliveries to `path` are checked; valid ones are
 * passed to `onEvent(event, result, req)` and answered 200 once it has resolved (to queue work
 * for later, resolve once it is durably queued), or 500 when it throws or rejects, so the sender
 * retries; a retry of a failed delivery goes through, a copy of a handled one is acknowledged.
 * A handler that resolves with `{ status }` is answered with that HTTP status, empty, and the
 * delivery is settled by it (2xx delivered, anything else failed). (An object, not a bare
 * number: `onEvent: (event) => list.push(event)` resolves with a number by accident.)
 */
export function createReceiver({ onEvent, path = '/webhooks/ocrolus', config = {}, now, log = console, memory, store, quarantine } = {}) {
  // Settled by the handler's outcome, not the response: a delivery handled while its sender
  // hung up was still delivered.
  const check = hookguardMiddleware({ config, now, settleByResponse: false, memory, store: { log, ...store }, quarantine });
  const unchecked = new Gate().notChecked();
  return (req, res) => {
    const url = new URL(req.url, 'http://localhost');
    if (url.pathname !== path) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      return res.end(`deliveries go to ${path}\n`);
    }
    check(req, res, async () => {
      let returned;
      try {
        returned = await onEvent?.(req.hookguard.normalized, req.hookguard, req);
      } catch (error) {
        // Logged without the payload: only the event and the error's own message.
        await settlers.get(req)?.('failed');
        log.error(`handler failed for ${req.hookguard.eventName ?? 'test delivery'}: ${error?.message ?? error}`);
        return send(req, res, check.gate.handlerFailed());
      }
      const status = returned?.status;
      if (Number.isInteger(status) && status >= 200 && status <= 599) {
        // The handler's own status: the core decides what it means for the delivery.
        await settlers.get(req)?.(status);
        res.writeHead(status, { 'content-length': 0 });
        return res.end();
      }
      // Handled: delivered, even if the sender went away before the 200 reached it (its
      // retry is then acknowledged, not handled twice).
      // Recorded before the 200 leaves, so a copy sent after it is acknowledged.
      await settlers.get(req)?.('delivered');
      const body = JSON.stringify({ received: true, eventName: req.hookguard.eventName });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    }).catch((error) => {
      // The receiver itself failed: the delivery is settled failed (the sender retries), and
      // anything settling throws is logged too, never dropped.
      settlers.get(req)?.('failed')?.catch((settleError) => log.error(`receiver could not settle: ${settleError.message}`));
      log.error(`receiver failed: ${error.message}`);
      if (!res.headersSent) send(req, res, unchecked);
    });
  };
}
