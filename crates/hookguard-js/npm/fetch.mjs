// hookguard for Fetch-API servers: Deno.serve, Bun.serve, Cloudflare Workers, Next.js route
// handlers, Hono (`hookguard/hono`), and Node through any adapter that hands a `Request`.
//
// Nothing here decides what is refused or how: the Gate does (the same checks and answers,
// byte for byte, as every hookguard host). This file moves bytes between a `Request` and the
// Gate, and keeps the delivery contract: a webhook is at-least-once, so a delivery is settled
// `delivered` only once your handler has resolved with a 2xx, and `failed` otherwise, so that
// the sender's retry is checked as a new delivery and never lost.
//
// Runtime-neutral: it imports nothing, and takes the Gate (from `hookguard`, `hookguard/web`
// once initialized, or a `SharedGate` from `hookguard/shared`) you made.

/**
 * Reads a request's body from its stream, at most `readLimit` bytes (a Gate's `readLimit`, one
 * past the largest body it accepts): a sender cannot make the receiver buffer more than the
 * Gate needs to see. What is left of a longer body is not read (the stream is cancelled).
 */
function readAtMost(request, readLimit, declared = request.headers.get('content-length')) {
  // A declared length within the limit bounds the body already (the server reads no more than
  // it declares): read it whole, by the runtime's own fast path. (Not an async function: its
  // promise would cost a turn of the microtask queue per request on top of the read's own.)
  if (declared !== null && /^\d+$/.test(declared) && Number(declared) < readLimit) {
    return request.arrayBuffer().then((buffer) => atMost(new Uint8Array(buffer), readLimit));
  }
  return readStreamAtMost(request, readLimit);
}

/** The first `limit` bytes of `bytes` (all of them, the same view, when there are no more). */
function atMost(bytes, limit) {
  return bytes.byteLength <= limit ? bytes : bytes.subarray(0, limit);
}

/** {@link readAtMost} from the body's stream, chunk by chunk. */
async function readStreamAtMost(request, readLimit) {
  if (request.body === null) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const chunk = value instanceof Uint8Array ? value : new Uint8Array(value);
    chunks.push(chunk);
    size += chunk.byteLength;
    if (size >= readLimit) {
      reader.cancel().catch(() => {});
      break;
    }
  }
  const body = new Uint8Array(Math.min(size, readLimit));
  let at = 0;
  for (const chunk of chunks) {
    const part = chunk.subarray(0, body.byteLength - at);
    body.set(part, at);
    at += part.byteLength;
    if (at === body.byteLength) break;
  }
  return body;
}

/** Reads a request's body, stopping one byte past `limit` (a Gate's `maxBytes`). */
export function readBody(request, limit) {
  return readAtMost(request, limit + 1);
}

/** A Gate answer as a `Response`: its status, headers and problem document, as the core wrote them. */
export function answerResponse(answer) {
  return new Response(answer.problem ?? null, { status: answer.status, headers: answer.headers ?? {} });
}

/**
 * The quarantine store a receiver keeps refused deliveries in, checked when the receiver is
 * made: a Gate configured with `quarantine` needs one (nothing authentic may be lost), and
 * Workers and browsers have no files to keep them in.
 */
export function quarantineStore(gate, quarantine, who) {
  if (quarantine !== undefined && typeof quarantine?.keep !== 'function') {
    throw new TypeError(`${who}: quarantine must be a store with keep(entry, body, now, gate), such as DirectoryQuarantine or RedisQuarantine`);
  }
  if (gate.quarantine && quarantine === undefined) {
    throw new TypeError(
      `${who}: the Gate keeps refused deliveries (its quarantine option), so give the receiver a store: ` +
        "{ quarantine: new DirectoryQuarantine(gate) } from 'hookguard/quarantine' (Node, Deno, Bun), " +
        'or a store of your own (Workers and browsers have no files)',
    );
  }
  return quarantine;
}

/**
 * The answer to a refused delivery the Gate names for the quarantine (`admission.quarantine`):
 * kept in `store` (or found there, a retry), the answer naming the entry; the store failing,
 * the answer `storeDown` gives, logged without values. Any other admission is its own answer.
 */
export async function keepRefused(gate, admission, body, store, { now, log = console } = {}) {
  const entry = admission.quarantine;
  if (!entry || !store) return admission;
  const stats = store.stats;
  try {
    const { kept, evicted } = await store.keep(entry, body, now?.(), gate);
    if (stats) {
      stats[kept ? 'kept' : 'alreadyKept'] += 1;
      stats.evicted += evicted;
    }
    return entry.kept;
  } catch (error) {
    if (stats) stats.unavailable += 1;
    log.error(gate.quarantineFailureLine(error?.code ?? error?.message ?? String(error)));
    return entry.unreachable;
  }
}

/**
 * Screens, reads at most `gate.readLimit` bytes, admits. Returns `{ response }` for a refusal
 * (or a copy acknowledged), else `{ admission, delivery }`: `delivery` is the validation result
 * with `signature` and `requestId`, as the Gate made it. A refused delivery the Gate names for
 * the quarantine is kept in `quarantine` first.
 */
export function admitRequest(gate, request, now, quarantine, log) {
  // A promise chain rather than an async function: each await of one costs a turn of the
  // microtask queue per request, more than the checks between them (a mistake in the calling
  // code still arrives as a rejection).
  try {
    const length = request.headers.get('content-length');
    const screened = gate.screen(
      request.method,
      request.headers.get('content-type') ?? undefined,
      length === null ? undefined : Number(length),
    );
    if (screened) return Promise.resolve({ response: answerResponse(screened) });
    return readAtMost(request, gate.readLimit, length).then((body) => {
      // A Gate admits at once; a SharedGate's promise is awaited.
      const admission = gate.admit(request.headers, body, now?.());
      return typeof admission?.then === 'function'
        ? admission.then((admitted) => concluded(gate, admitted, body, quarantine, now, log))
        : concluded(gate, admission, body, quarantine, now, log);
    });
  } catch (error) {
    return Promise.reject(error);
  }
}

/** {@link admitRequest}'s answer once the Gate has admitted or refused the body. */
function concluded(gate, admission, body, quarantine, now, log) {
  if (!admission.passes) {
    return keepRefused(gate, admission, body, quarantine, { now, log })
      .then((answer) => ({ response: answerResponse(answer) }));
  }
  return { admission, delivery: admission.delivery };
}

/**
 * Settles an admitted delivery with how your service took it: `'delivered'`, `'failed'`, or
 * the HTTP status it answered (the Gate decides: 2xx delivered). A `SharedGate` never throws
 * for its store (it counts and logs the failure; the claim lapses by itself), so what throws
 * here is a mistake in the calling code, and it is not hidden.
 */
export async function settleDelivery(gate, admission, outcome, now) {
  await settling(gate, admission, outcome, now);
}

/**
 * {@link settleDelivery} as the receivers here call it: a SharedGate's settle is a promise (it
 * writes to its store), to be awaited; a Gate's is done on return (`undefined`), and awaiting it
 * would cost a turn of the microtask queue for nothing.
 */
function settling(gate, admission, outcome, now) {
  return gate.settle(admission, outcome, now?.());
}

/** @deprecated The former name of {@link settleDelivery}, which no longer hides what it throws. */
export const settleQuietly = settleDelivery;

/**
 * A Fetch-API handler, `(request) => Promise<Response>`. Refused deliveries get the Gate's
 * answer. A valid one is handed to `onDelivery(event, delivery, request)` (`event`: the
 * normalized payload when the Gate normalizes; `delivery`: the result with `signature` and
 * `requestId`); what it resolves with is the response (a `Response`, or nothing for
 * `200 {"received":true,"eventName":...}`), and the delivery is settled `delivered` when that
 * response is 2xx, `failed` otherwise. When it throws or rejects, the delivery is settled
 * `failed`, the error logged without the payload, and the answer is 500, so the sender retries.
 *
 * Options: `now` (the clock in Unix seconds, for tests), `log` (where a handler's failure is
 * logged; default `console`), `quarantine` (the store refused deliveries are kept in, needed
 * when the Gate has a `quarantine` option: `new DirectoryQuarantine(gate)` from
 * `hookguard/quarantine`).
 */
export function fetchHandler(gate, onDelivery, { now, log = console, quarantine } = {}) {
  if (typeof gate?.admit !== 'function' || typeof gate?.settle !== 'function') {
    throw new TypeError('fetchHandler needs a Gate (new Gate(config)) or a SharedGate');
  }
  if (typeof onDelivery !== 'function') throw new TypeError('fetchHandler needs an onDelivery function');
  const store = quarantineStore(gate, quarantine, 'fetchHandler');
  return async (request) => {
    const { response, admission, delivery } = await admitRequest(gate, request, now, store, log);
    if (response) return response;
    let answer;
    try {
      answer = onDelivery(delivery.normalized, delivery, request);
      // A handler that answers at once is not awaited (a turn of the microtask queue).
      if (typeof answer?.then === 'function') answer = await answer;
    } catch (error) {
      await settleDelivery(gate, admission, 'failed', now);
      // Only the event's name and the error's own message: never the payload.
      log.error(`handler failed for ${delivery.eventName ?? 'test delivery'}: ${error?.message ?? error}`);
      return answerResponse(gate.handlerFailed());
    }
    if (!(answer instanceof Response)) {
      answer = new Response(JSON.stringify({ received: true, eventName: delivery.eventName ?? null }), {
        status: 200,
        headers: { 'content-type': 'application/json' },
      });
    }
    // Recorded before the answer leaves, so that a copy sent after it is acknowledged. An
    // admission without a claimToken holds no claim (an unsigned delivery, or no memory): a
    // Gate's and a SharedGate's settle leave it as it is, so neither is called.
    if (admission.claimToken !== undefined) {
      const settled = settling(gate, admission, answer.status, now);
      if (settled !== undefined) await settled;
    }
    return answer;
  };
}
