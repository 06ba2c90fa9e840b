'use strict';
// A Gate whose memory of request ids is shared by every replica of a receiver (a store such as
// Redis), so that a copy of a delivery sent to another process is not handed on twice. The
// delivery contract is the core's (in flight, delivered, forgotten; the same answers as every
// host): the Gate concludes, this file only moves the claim to the store and back.
//
// Node only, and no dependency of its own: the store's client is yours (node-redis).

/**
 * Claims a request id: unknown -> in flight (with a token, for `PX` milliseconds); otherwise
 * says the state. One script, so that two replicas claiming at once cannot both take it.
 */
const CLAIM = `
local held = redis.call('GET', KEYS[1])
if not held then
  redis.call('SET', KEYS[1], 'f' .. ARGV[1], 'PX', ARGV[2])
  return {'taken', 0}
end
if held == 'd' then return {'delivered', 0} end
return {'in_flight', redis.call('PTTL', KEYS[1])}
`;

/** Settles the claim the token holds: delivered (kept for `PX`) or failed (forgotten). */
const SETTLE = `
if redis.call('GET', KEYS[1]) ~= 'f' .. ARGV[1] then return 0 end
if ARGV[2] == 'delivered' then
  redis.call('SET', KEYS[1], 'd', 'PX', ARGV[3])
else
  redis.call('DEL', KEYS[1])
end
return 1
`;

/** A claim's token: a random whole number below 2^53, exact as a JavaScript number. */
function newToken() {
  const [high, low] = globalThis.crypto.getRandomValues(new Uint32Array(2));
  return (high & 0x1fffff) * 2 ** 32 + low;
}

/**
 * The states of request ids in Redis, through a node-redis client (`createClient()` from the
 * `redis` package, connected; any client with `sendCommand(args)` works): one key per id,
 * `{prefix}{requestId}`, expiring by itself (a claim lapses after `inFlightSeconds`, a
 * delivered id after `deliveredSeconds`).
 */
class RedisMemory {
  constructor(client, { prefix = 'hookguard:delivery:' } = {}) {
    if (typeof client?.sendCommand !== 'function') throw new TypeError('client must be a connected node-redis client (createClient() from the redis package)');
    if (typeof prefix !== 'string') throw new TypeError('prefix must be a string');
    this.client = client;
    this.prefix = prefix;
  }

  /** `{ state: 'taken', token }`, `{ state: 'in_flight', lapsesInSeconds }` or `{ state: 'delivered' }`. */
  async claim({ requestId, inFlightSeconds }) {
    const token = newToken();
    const [state, ttl] = await this.client.sendCommand([
      'EVAL', CLAIM, '1', this.prefix + requestId, String(token), String(inFlightSeconds * 1000),
    ]);
    if (state === 'taken') return { state, token };
    if (state === 'delivered') return { state };
    return { state: 'in_flight', lapsesInSeconds: Math.max(1, Math.ceil(Number(ttl) / 1000)) };
  }

  /** Ends the claim `token` holds; does nothing when it lapsed and another copy took the id. */
  async settle({ requestId, token, outcome, deliveredSeconds }) {
    await this.client.sendCommand([
      'EVAL', SETTLE, '1', this.prefix + requestId, String(token), outcome, String(deliveredSeconds * 1000),
    ]);
  }
}

/** Rejects after `ms`: a store that does not answer must not hold a delivery. */
function within(ms, promise, what) {
  let timer;
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/**
 * A Gate with a shared memory: `admit` and `settle` are asynchronous, the rest is the Gate's.
 * When the store cannot be reached (an error, or no answer within `timeoutMs`),
 * `onStoreError` decides: `'refuse'` (the default) answers 503 `store_unavailable` with
 * `retry-after`, so the sender comes back; `'process'` falls back to the Gate's own memory in
 * this process (a copy sent to another replica may then be handed on twice). Either way it is
 * counted in `stats` and logged, without the request id or the payload.
 */
class SharedGate {
  constructor(gate, memory, { onStoreError = 'refuse', timeoutMs = 1000, log = console } = {}) {
    if (typeof gate?.examine !== 'function') throw new TypeError('gate must be a hookguard Gate');
    if (typeof memory?.claim !== 'function' || typeof memory?.settle !== 'function') throw new TypeError('memory must have claim() and settle()');
    if (!['refuse', 'process'].includes(onStoreError)) throw new TypeError("onStoreError must be 'refuse' or 'process'");
    if (!(Number.isFinite(timeoutMs) && timeoutMs > 0)) throw new RangeError('timeoutMs must be a number of milliseconds greater than zero');
    this.gate = gate;
    this.memory = memory;
    this.onStoreError = onStoreError;
    this.timeoutMs = timeoutMs;
    this.log = log;
    /** Store calls that failed or timed out; deliveries refused for it; claimed in the process instead. */
    this.stats = { storeErrors: 0, refused: 0, inProcess: 0 };
    /** Admissions claimed in the store: what settling them needs. */
    this.claims = new WeakMap();
  }

  get maxBytes() { return this.gate.maxBytes; }

  screen(method, contentType, contentLength) { return this.gate.screen(method, contentType, contentLength); }

  notChecked() { return this.gate.notChecked(); }

  /** The Gate's conclusion, its request id claimed in the shared memory. */
  async admit(headers, body, now = Math.floor(Date.now() / 1000)) {
    const examined = this.gate.examine(headers, body, now);
    const pending = examined.pendingClaim;
    if (!pending) return examined;
    let claim;
    try {
      claim = await within(this.timeoutMs, this.memory.claim(pending), 'claim');
    } catch (error) {
      this.stats.storeErrors += 1;
      this.log.error?.(`hookguard: the shared memory could not be asked (${error.message}); ${this.onStoreError === 'refuse' ? 'refused with 503' : 'claimed in this process'}`);
      if (this.onStoreError === 'refuse') {
        this.stats.refused += 1;
        return this.gate.storeUnavailable();
      }
      this.stats.inProcess += 1;
      return this.gate.admit(headers, body, now);
    }
    const admission = this.gate.conclude(headers, body, now, claim);
    if (admission.claimToken !== undefined) this.claims.set(admission, pending);
    return admission;
  }

  /** Ends an admission's claim: `'delivered'` or `'failed'`. Never throws for the store. */
  async settle(admission, outcome, now) {
    if (outcome !== 'delivered' && outcome !== 'failed') throw new TypeError("outcome must be 'delivered' or 'failed'");
    const pending = admission && this.claims.get(admission);
    if (!pending) return this.gate.settle(admission, outcome, now);
    this.claims.delete(admission);
    try {
      await within(this.timeoutMs, this.memory.settle({ ...pending, token: admission.claimToken, outcome }), 'settle');
    } catch (error) {
      // The claim lapses by itself after inFlightSeconds; until then copies come back later.
      this.stats.storeErrors += 1;
      this.log.error?.(`hookguard: a delivery could not be settled in the shared memory (${error.message}); its claim lapses by itself`);
    }
  }
}

module.exports = { RedisMemory, SharedGate };
