// A webhook receiver in plain Node: reads the raw body (never JSON.parse first), hands the
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
import { Gate } from 'hookguard';
import { answerResponse, settleQuietly } from 'hookguard/fetch';
import { SharedGate } from 'hookguard/shared';

/**
 * Sends a Gate answer: its status and, for a refusal, its problem document as it is. A request
 * whose body was not read to its end (refused first) closes the connection: what is left of
 * the body is not read, and the connection cannot carry another request after it.
 */
function send(req, res, answer) {
  // The headers as the Fetch handler answers them (hookguard/fetch), on Node's response.
  const headers = Object.fromEntries(answerResponse(answer).headers);
  headers['content-length'] = Buffer.byteLength(answer.problem);
  if (!req.complete) headers.connection = 'close';
  res.writeHead(answer.status, headers);
  res.end(answer.problem);
}

/** Reads the body, stopping one byte past the limit (a sender cannot make us buffer more). */
function readBody(req, limit) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size > limit) {
        req.pause();
        resolve(Buffer.concat(chunks).subarray(0, limit + 1));
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
    await settleQuietly(gate, admission, outcome, now);
  };
  settlers.set(req, settle);
  if (!byResponse) return;
  res.on('finish', () => settle(res.statusCode >= 200 && res.statusCode < 300 ? 'delivered' : 'failed'));
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
 * are remembered in this process only.
 */
export function hookguardMiddleware({ config = {}, now, settleByResponse = true, memory, store = {} } = {}) {
  const own = new Gate({ ...config, normalize: true });
  // With a shared memory, request ids are claimed in it (one store for every replica).
  const gate = memory ? new SharedGate(own, memory, store) : own;
  return async (req, res, next) => {
    const declared = req.headers['content-length'] === undefined ? undefined : Number(req.headers['content-length']);
    const screened = gate.screen(req.method, req.headers['content-type'], declared);
    if (screened) return send(req, res, screened);
    // Behind express.raw() the body is already read, as bytes; any other parser has already
    // lost what hookguard checks, so mount this before it.
    const body = Buffer.isBuffer(req.body) ? req.body : await readBody(req, gate.maxBytes);
    // headersDistinct keeps a repeated header's every value, for the Gate to refuse.
    const admission = await gate.admit(req.headersDistinct ?? req.headers, body, now?.());
    if (!admission.passes) return send(req, res, admission);
    settleOnResponse(gate, admission, req, res, now, settleByResponse);
    req.hookguard = { ...admission.result, signature: admission.signature, requestId: admission.requestId };
    return next();
  };
}

/** The answer when the handler failed: the service's own, so the sender retries. */
const HANDLER_FAILED = JSON.stringify({
  type: 'about:blank',
  title: 'Internal Server Error',
  status: 500,
  detail: 'the delivery was not handled; send it again',
});

/**
 * A request listener for `http.createServer`: deliveries to `path` are checked; valid ones are
 * passed to `onEvent(event, result)` and answered 200 once it has resolved (to queue work for
 * later, resolve once it is durably queued), or 500 when it throws or rejects, so the sender
 * retries; a retry of a failed delivery goes through, a copy of a handled one is acknowledged.
 */
export function createReceiver({ onEvent, path = '/webhooks/ocrolus', config = {}, now, log = console, memory, store } = {}) {
  // Settled by the handler's outcome, not the response: a delivery handled while its sender
  // hung up was still delivered.
  const check = hookguardMiddleware({ config, now, settleByResponse: false, memory, store: { log, ...store } });
  const unchecked = new Gate().notChecked();
  return (req, res) => {
    const url = new URL(req.url, 'http://localhost');
    if (url.pathname !== path) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      return res.end(`deliveries go to ${path}\n`);
    }
    check(req, res, async () => {
      try {
        await onEvent?.(req.hookguard.normalized, req.hookguard);
      } catch (error) {
        // Logged without the payload: only the event and the error's own message.
        await settlers.get(req)?.('failed');
        log.error(`handler failed for ${req.hookguard.eventName ?? 'test delivery'}: ${error?.message ?? error}`);
        res.writeHead(500, { 'content-type': 'application/problem+json', 'content-length': Buffer.byteLength(HANDLER_FAILED) });
        return res.end(HANDLER_FAILED);
      }
      // Handled: delivered, even if the sender went away before the 200 reached it (its
      // retry is then acknowledged, not handled twice).
      // Recorded before the 200 leaves, so a copy sent after it is acknowledged.
      await settlers.get(req)?.('delivered');
      const body = JSON.stringify({ received: true, eventName: req.hookguard.eventName });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    }).catch((error) => {
      settlers.get(req)?.('failed')?.catch(() => {});
      log.error(`receiver failed: ${error.message}`);
      if (!res.headersSent) send(req, res, unchecked);
    });
  };
}
