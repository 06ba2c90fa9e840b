// A webhook receiver in plain Node: reads the raw body (never JSON.parse first), hands the
// request to hookguard's Gate, answers at once with the Gate's answer (the same status and
// problem document, byte for byte, as the hookguard gateway filter), and only then gives a
// valid delivery's normalized event to your handler. `hookguardMiddleware` is the same as an
// Express-style middleware: it sets `req.hookguard` and calls `next()` for valid deliveries.
//
// Nothing about what is refused, or how, is decided here: this file only moves bytes between
// Node's request and the Gate, and the Gate's answer back to the response.
import { Gate } from 'hookguard';

/**
 * Sends a Gate answer: its status and, for a refusal, its problem document as it is. A request
 * whose body was not read to its end (refused first) closes the connection: what is left of
 * the body is not read, and the connection cannot carry another request after it.
 */
function send(req, res, answer) {
  const headers = { 'content-type': 'application/problem+json', 'content-length': Buffer.byteLength(answer.problem) };
  if (answer.verdict === 'method_not_allowed') headers.allow = 'POST';
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
 * Express-style middleware: `(req, res, next)`. Answers refused deliveries itself; for valid
 * ones sets `req.hookguard` (the validation result, with `normalized`, plus `signature` and
 * `requestId` when signatures are checked) and calls `next()`.
 *
 * `config` is hookguard's configuration in JavaScript's spelling, as in every host:
 * `{ maxBytes, maxDepth, strict, revealValues, maxFindings, allowedEvents, problem,
 *    signature: { secrets, toleranceSeconds, required, onReplay }, replaySlots }`.
 * Replays are remembered in this process only: behind several processes or replicas, dedupe
 * on `req.hookguard.requestId` in your own store. `now` is the clock (Unix seconds), for tests.
 */
export function hookguardMiddleware({ config = {}, now } = {}) {
  const gate = new Gate({ ...config, normalize: true });
  return async (req, res, next) => {
    const declared = req.headers['content-length'] === undefined ? undefined : Number(req.headers['content-length']);
    const screened = gate.screen(req.method, req.headers['content-type'], declared);
    if (screened) return send(req, res, screened);
    // Behind express.raw() the body is already read, as bytes; any other parser has already
    // lost what hookguard checks, so mount this before it.
    const body = Buffer.isBuffer(req.body) ? req.body : await readBody(req, gate.maxBytes);
    // headersDistinct keeps a repeated header's every value, for the Gate to refuse.
    const admission = gate.admit(req.headersDistinct ?? req.headers, body, now?.());
    if (!admission.passes) return send(req, res, admission);
    req.hookguard = { ...admission.result, signature: admission.signature, requestId: admission.requestId };
    return next();
  };
}

/**
 * A request listener for `http.createServer`: deliveries to `path` are checked; valid ones are
 * acknowledged with 200 at once (Ocrolus times out after a few seconds) and then passed to
 * `onEvent(event, result)`; a handler that throws is logged, never turned into a retry storm.
 */
export function createReceiver({ onEvent, path = '/webhooks/ocrolus', config = {}, now, log = console } = {}) {
  const check = hookguardMiddleware({ config, now });
  const unchecked = new Gate().notChecked();
  return (req, res) => {
    const url = new URL(req.url, 'http://localhost');
    if (url.pathname !== path) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      return res.end(`deliveries go to ${path}\n`);
    }
    check(req, res, () => {
      const body = JSON.stringify({ received: true, eventName: req.hookguard.eventName });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
      setImmediate(async () => {
        try {
          await onEvent?.(req.hookguard.normalized, req.hookguard);
        } catch (error) {
          log.error(`handler failed for ${req.hookguard.eventName ?? 'test delivery'}: ${error.message}`);
        }
      });
    }).catch((error) => {
      log.error(`receiver failed: ${error.message}`);
      if (!res.headersSent) send(req, res, unchecked);
    });
  };
}
