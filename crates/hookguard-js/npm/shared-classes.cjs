'use strict';
// The classes of `hookguard/shared`, made over the hookguard module the entry point loaded
// (`shared.cjs` the CommonJS build, `shared.mjs` the ESM one), so that a process holds one
// instance of it. The store's protocol (the Lua scripts, the keys, what a reply means, the log
// lines) is the core's: these classes only carry its commands to the store and back.

/** A claim's token: a random whole number below 2^53, exact as a JavaScript number. */
function newToken() {
  const [high, low] = globalThis.crypto.getRandomValues(new Uint32Array(2));
  return (high & 0x1fffff) * 2 ** 32 + low;
}

/** Rejects after `ms`: a store that does not answer must not hold a delivery. */
function within(ms, promise) {
  let timer;
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

function define(hookguard) {
  /**
   * The states of request ids in Redis, through a node-redis client (`createClient()` from the
   * `redis` package, connected; any client with `sendCommand(args)` works): one key per id,
   * `{prefix}{requestId}`, expiring by itself (a claim lapses after `inFlightSeconds`, a
   * delivered id after `deliveredSeconds`). The commands are the core's, the same as the
   * gateway's, so gateways and receivers share one store.
   */
  class RedisMemory {
    constructor(client, { prefix = hookguard.storeKeyPrefix() } = {}) {
      if (typeof client?.sendCommand !== 'function') throw new TypeError('client must be a connected node-redis client (createClient() from the redis package)');
      if (typeof prefix !== 'string') throw new TypeError('prefix must be a string');
      this.client = client;
      this.prefix = prefix;
    }

    /** `{ state: 'taken', token }`, `{ state: 'in_flight', lapsesInSeconds }` or `{ state: 'delivered' }`. */
    async claim(pending) {
      const token = newToken();
      const reply = await this.client.sendCommand(hookguard.storeClaimCommand(this.prefix, pending, token));
      const claim = hookguard.storeClaimOfReply(reply, token);
      if (claim === undefined) throw new Error('a reply that is not a claim\'s');
      return claim;
    }

    /** Ends the claim `token` holds; does nothing when it lapsed and another copy took the id. */
    async settle({ token, outcome, ...pending }) {
      await this.client.sendCommand(hookguard.storeSettleCommand(this.prefix, pending, token, outcome));
    }
  }

  /**
   * The quarantine of a fleet in Redis, through a node-redis client (any client with
   * `sendCommand(args)` works): refused deliveries a Gate's `quarantine` option keeps, one key
   * per entry expiring with `keepSeconds`, bounded by `maxEntries` and `maxBytes`, in one
   * atomic script (the core's, the same as the gateway's: gateways and receivers share one
   * quarantine, and `hookguard quarantine list|replay redis://...` reads it). Give it to a
   * receiver as its `quarantine` store: the receiver's Gate makes each command.
   */
  class RedisQuarantine {
    constructor(client, { prefix, timeoutMs = 2000 } = {}) {
      if (typeof client?.sendCommand !== 'function') throw new TypeError('client must be a connected node-redis client (createClient() from the redis package)');
      if (prefix !== undefined && typeof prefix !== 'string') throw new TypeError('prefix must be a string');
      if (!(Number.isFinite(timeoutMs) && timeoutMs > 0)) throw new RangeError('timeoutMs must be a number of milliseconds greater than zero');
      this.client = client;
      this.prefix = prefix;
      this.timeoutMs = timeoutMs;
      /** Counted by the receivers: entries kept, retries found kept, entries evicted, keeps that failed. */
      this.stats = { kept: 0, alreadyKept: 0, evicted: 0, unavailable: 0 };
    }

    /**
     * Keeps `entry` (an admission's `quarantine`, from `gate`) with `body`: `{ kept, evicted }`;
     * rejects when Redis fails or does not answer within `timeoutMs`.
     */
    async keep(entry, body, now, gate) {
      if (typeof gate?.quarantineKeepCommand !== 'function') throw new TypeError('keep needs the Gate that admitted the delivery');
      const command = gate.quarantineKeepCommand(entry, this.prefix, now);
      const bytes = Buffer.concat([Buffer.from(entry.head, 'latin1'), Buffer.from(body.buffer, body.byteOffset, body.byteLength)]);
      const reply = await within(this.timeoutMs, this.client.sendCommand([...command, bytes]));
      const [state, evicted] = Array.isArray(reply) ? reply.map(String) : [];
      if (state === 'kept') return { kept: true, evicted: Number(evicted) };
      if (state === 'already') return { kept: false, evicted: 0 };
      throw new Error('a reply that is not the quarantine\'s');
    }
  }

  /**
   * A Gate with a shared memory: `admit` and `settle` are asynchronous, the rest is the Gate's.
   * The body is checked once (`examine`); the store is asked for the claim; `conclude` finishes
   * the same admission with its answer. When the store cannot be reached (an error, or no
   * answer within `timeoutMs`), `onStoreError` decides, as the core's store policy:
   * `'refuse'` (the default) answers 503 `store_unavailable` with `retry-after`, so the sender
   * comes back; `'process'` claims in the Gate's own memory in this process (a copy sent to
   * another replica may then be handed on twice). Either way it is counted in `stats` and
   * logged, without the request id or the payload.
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

    get readLimit() { return this.gate.readLimit; }

    get quarantine() { return this.gate.quarantine; }

    quarantineEvictions(held, incomingBytes, now) { return this.gate.quarantineEvictions(held, incomingBytes, now); }

    quarantineFailureLine(reason) { return this.gate.quarantineFailureLine(reason); }

    quarantineKeepCommand(entry, prefix, now) { return this.gate.quarantineKeepCommand(entry, prefix, now); }

    screen(method, contentType, contentLength) { return this.gate.screen(method, contentType, contentLength); }

    notChecked() { return this.gate.notChecked(); }

    handlerFailed() { return this.gate.handlerFailed(); }

    outcomeOf(status) { return this.gate.outcomeOf(status); }

    /** The Gate's conclusion, its request id claimed in the shared memory. */
    async admit(headers, body, now = Math.floor(Date.now() / 1000)) {
      const examined = this.gate.examine(headers, body, now);
      const pending = examined.pendingClaim;
      if (!pending) return examined;
      let claim;
      try {
        claim = await within(this.timeoutMs, this.memory.claim(pending));
      } catch (error) {
        this.stats.storeErrors += 1;
        this.stats[this.onStoreError === 'refuse' ? 'refused' : 'inProcess'] += 1;
        this.log.error?.(hookguard.storeFailureLine('claim', error?.message ?? String(error), this.onStoreError));
        return this.gate.storeUnreachable(examined, this.onStoreError, now);
      }
      const admission = this.gate.conclude(examined, claim);
      if (admission.claimToken !== undefined) this.claims.set(admission, pending);
      return admission;
    }

    /**
     * Ends an admission's claim: `'delivered'`, `'failed'`, or the HTTP status your service
     * answered. Never throws for the store (counted and logged; the claim lapses by itself);
     * a wrong argument is a TypeError.
     */
    async settle(admission, outcome, now) {
      const pending = admission && this.claims.get(admission);
      if (!pending) return this.gate.settle(admission, outcome, now);
      const settled = typeof outcome === 'number' ? this.gate.outcomeOf(outcome) : outcome;
      if (settled !== 'delivered' && settled !== 'failed') throw new TypeError("outcome must be 'delivered', 'failed' or the HTTP status your service answered");
      this.claims.delete(admission);
      try {
        await within(this.timeoutMs, this.memory.settle({ ...pending, token: admission.claimToken, outcome: settled }));
      } catch (error) {
        // The claim lapses by itself after inFlightSeconds; until then copies come back later.
        this.stats.storeErrors += 1;
        this.log.error?.(hookguard.storeFailureLine('settle', error?.message ?? String(error)));
      }
    }
  }

  return { RedisMemory, RedisQuarantine, SharedGate };
}

module.exports = { define };
