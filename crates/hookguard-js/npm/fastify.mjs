// hookguard as a Fastify plugin (Node): refused deliveries get the Gate's answer; a valid one
// is `request.hookguard` (the validation result with `signature` and `requestId`) and your route
// runs. The delivery is settled by what your route answers, before the answer leaves:
// `delivered` for a 2xx, `failed` for anything else or an error, so the sender's retry is
// checked as a new delivery. The same steps as `hookguard/fetch`, on Fastify's raw request.
//
// Register it in the context that holds your webhook routes: it reads their bodies itself
// (at most `maxBytes + 1` bytes, never parsed before the Gate has seen the bytes).
import { answerResponse, keepRefused, quarantineStore, settleDelivery } from './fetch.mjs';

/** Reads a Node stream, at most `readLimit` bytes (a Gate's `readLimit`; the rest is not read). */
function readStream(stream, readLimit) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    const finish = () => {
      stream.off('data', take);
      resolve(Buffer.concat(chunks).subarray(0, readLimit));
    };
    const take = (chunk) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= readLimit) {
        stream.pause();
        finish();
      }
    };
    stream.on('data', take);
    stream.once('end', finish);
    stream.once('error', reject);
  });
}

/** Sends a Gate answer through Fastify's reply. */
async function sendAnswer(reply, answer) {
  const response = answerResponse(answer);
  reply.code(response.status);
  for (const [name, value] of response.headers) reply.header(name, value);
  // A request refused before its body was read whole cannot carry another after it.
  if (!reply.request.raw.complete) reply.header('connection', 'close');
  // As bytes: Fastify would add a charset to the content type of a string.
  return reply.send(Buffer.from(await response.arrayBuffer()));
}

/**
 * `app.register(hookguardFastify, { gate })` in the context of your webhook routes. `gate`: a
 * Gate (made with `normalize: true` for `normalized`) or a SharedGate; `now`: the clock, for
 * tests; `quarantine`: the store refused deliveries are kept in (needed when the Gate has a
 * `quarantine` option).
 */
export async function hookguardFastify(fastify, { gate, now, quarantine } = {}) {
  if (typeof gate?.admit !== 'function' || typeof gate?.settle !== 'function') {
    throw new TypeError('hookguardFastify needs { gate }: a Gate (new Gate(config)) or a SharedGate');
  }
  const store = quarantineStore(gate, quarantine, 'hookguardFastify');
  const admissions = new WeakMap();
  fastify.decorateRequest('hookguard', null);
  // Every body as raw bytes, whatever its declared type: the Gate decides about the type.
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', (request, payload, done) => {
    readStream(payload, gate.readLimit).then((body) => done(null, body), done);
  });
  fastify.addHook('onRequest', async (request, reply) => {
    const length = request.headers['content-length'];
    const screened = gate.screen(request.method, request.headers['content-type'], length === undefined ? undefined : Number(length));
    if (screened) return sendAnswer(reply, screened);
  });
  fastify.addHook('preHandler', async (request, reply) => {
    // No body at all (Fastify calls no parser for an empty one) is an empty body.
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const admission = await gate.admit(request.raw.headersDistinct ?? request.headers, body, now?.());
    if (!admission.passes) {
      return sendAnswer(reply, await keepRefused(gate, admission, body, store, { now, log: fastify.log }));
    }
    admissions.set(request, admission);
    request.hookguard = admission.delivery;
  });
  // Before the answer leaves, so that a copy sent after it is acknowledged.
  fastify.addHook('onSend', async (request, reply) => {
    const admission = admissions.get(request);
    if (!admission) return;
    admissions.delete(request);
    await settleDelivery(gate, admission, reply.statusCode, now);
  });
  // A request whose client went away before any answer: the sender retries.
  fastify.addHook('onRequestAbort', async (request) => {
    const admission = admissions.get(request);
    if (!admission) return;
    admissions.delete(request);
    await settleDelivery(gate, admission, 'failed', now);
  });
}

// Applies to the context it is registered in (what fastify-plugin does), not a child of it.
hookguardFastify[Symbol.for('skip-override')] = true;
hookguardFastify[Symbol.for('fastify.display-name')] = 'hookguard';

export default hookguardFastify;
