// A webhook receiver in plain Node: reads the raw body (never JSON.parse first), lets hookguard
// judge it, answers at once (400 problem+json, or 200), and only then hands a valid delivery's
// normalized event to your handler. `hookguardMiddleware` is the same as an Express-style
// middleware: it sets `req.hookguard` and calls `next()` for valid deliveries.
import { normalize, verify } from 'hookguard';

const DEFAULT_MAX_BYTES = 1024 * 1024;
const DEFAULT_TOLERANCE_SEC = 300;

/**
 * Request ids seen inside the tolerance window, so a delivery replayed within it is refused.
 * Bounded: ids older than the window are forgotten (a replay that old fails as stale anyway),
 * and at most `capacity` ids are kept, oldest first out.
 */
export class ReplayGuard {
  constructor({ toleranceSec = DEFAULT_TOLERANCE_SEC, capacity = 100_000 } = {}) {
    this.windowSec = 2 * toleranceSec;
    this.capacity = capacity;
    this.seen = new Map(); // request id -> Unix seconds first seen (insertion-ordered)
  }

  /** True when `requestId` was already seen inside the window; remembers it otherwise. */
  isReplay(requestId, now = Math.floor(Date.now() / 1000)) {
    for (const [id, at] of this.seen) {
      if (now - at <= this.windowSec && this.seen.size < this.capacity) break;
      this.seen.delete(id);
    }
    if (this.seen.has(requestId)) return true;
    this.seen.set(requestId, now);
    return false;
  }
}

/** RFC 9457 problem details, the same shape the hookguard gateway filter answers with. */
function problem(res, status, name, title, detail, extra = {}) {
  const body = JSON.stringify({ type: `urn:hookguard:problem:${name}`, title, status, detail, ...extra });
  res.writeHead(status, { 'content-type': 'application/problem+json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function isJson(contentType = '') {
  const essence = contentType.split(';')[0].trim().toLowerCase();
  return essence === 'application/json' || (essence.startsWith('application/') && essence.endsWith('+json'));
}

/** Reads the body, stopping one byte past the limit (a sender cannot make us buffer more). */
function readBody(req, limit) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > limit) {
        req.pause();
        resolve(null);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * Express-style middleware: `(req, res, next)`. Answers failed deliveries itself; for valid
 * ones sets `req.hookguard` (the result, with `normalized`) and calls `next()`. With
 * `signature: { secrets, toleranceSec }`, deliveries must also be signed (401 otherwise) and
 * not replayed inside the tolerance (409).
 */
export function hookguardMiddleware({ options = {}, maxErrors = 20, signature } = {}) {
  const limit = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const replays = signature && new ReplayGuard({ toleranceSec: signature.toleranceSec });
  return async (req, res, next) => {
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      return problem(res, 405, 'method-not-allowed', 'Webhook deliveries must be POSTed', 'webhook deliveries are POST requests');
    }
    if (!isJson(req.headers['content-type'])) {
      return problem(res, 415, 'unsupported-media-type', 'Webhook deliveries must be JSON', 'the content type must be application/json');
    }
    // Behind express.raw() the body is already read, as bytes; any other parser has already
    // lost what hookguard checks, so mount this before it.
    const body = Buffer.isBuffer(req.body) ? (req.body.length > limit ? null : req.body) : await readBody(req, limit);
    if (body === null) {
      return problem(res, 413, 'body-too-large', 'Webhook delivery too large', `body is larger than the limit of ${limit} bytes`);
    }
    if (signature) {
      // Authenticity first: an unsigned or forged delivery is not worth validating.
      const now = signature.now?.() ?? Math.floor(Date.now() / 1000);
      // headersDistinct keeps a repeated header's every value, for verify to refuse.
      const verdict = verify(req.headersDistinct ?? req.headers, body, { secrets: signature.secrets, toleranceSec: signature.toleranceSec, now });
      if (!verdict.authentic) {
        return problem(res, 401, 'signature-invalid', 'Webhook signature not accepted', verdict.error, { code: verdict.code });
      }
      if (replays.isReplay(verdict.requestId, now)) {
        return problem(res, 409, 'replayed-delivery', 'Delivery already received', 'this Webhook-Request-Id was already received inside the tolerance window', { code: 'signature_replayed' });
      }
    }
    const result = normalize(body, options);
    if (!result.valid) {
      const count = result.errors.length;
      return problem(res, 400, 'invalid-delivery', 'Invalid webhook delivery', `the delivery has ${count} error${count === 1 ? '' : 's'}`, {
        ...(result.eventName ? { eventName: result.eventName } : {}),
        errors: result.errors.slice(0, maxErrors),
        ...(count > maxErrors ? { errorsOmitted: count - maxErrors } : {}),
      });
    }
    req.hookguard = result;
    return next();
  };
}

/**
 * A request listener for `http.createServer`: deliveries to `path` are checked; valid ones are
 * acknowledged with 200 at once (Ocrolus times out after a few seconds) and then passed to
 * `onEvent(event, result)`; a handler that throws is logged, never turned into a retry storm.
 */
export function createReceiver({ onEvent, path = '/webhooks/ocrolus', options = {}, signature, log = console } = {}) {
  const check = hookguardMiddleware({ options, signature });
  return (req, res) => {
    const url = new URL(req.url, 'http://localhost');
    if (url.pathname !== path) {
      return problem(res, 404, 'not-found', 'Not found', `deliveries go to ${path}`);
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
      if (!res.headersSent) problem(res, 500, 'internal-error', 'The delivery could not be checked', 'it may be retried');
    });
  };
}
