// The Lambda handler on the event documents of each format (tests/fixtures/lambda: API Gateway
// REST 1.0, HTTP API 2.0, a function URL), each carrying every recorded fixture: the exact
// answer every host gives, valid deliveries handed on; base64 bodies; repeated and mixed-case
// header names; the delivery contract. No Lambda runs here: the handler is given the documents.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Gate } from '../index.mjs';
import { lambdaHandler } from '../lambda.mjs';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const read = (path) => readFileSync(join(root, path));
const verdicts = JSON.parse(read('tests/expected/verdicts.json'));
const answers = JSON.parse(read('tests/expected/answers.json'));
const vectors = JSON.parse(read('tests/fixtures/signatures/vectors.json'));
const FORMATS = ['rest-v1', 'http-v2', 'function-url'];
const template = (format) => JSON.parse(read(`tests/fixtures/lambda/${format}.json`));
const quiet = { error() {} };

/** The format's event carrying `body` with `fields` (name, value) added, base64 when asked. */
function eventOf(format, body, fields = [], { base64 = false, method = 'POST' } = {}) {
  const event = template(format);
  if (format === 'rest-v1') {
    event.httpMethod = method;
    for (const [name, value] of fields) {
      event.headers[name] = value;
      (event.multiValueHeaders[name] ??= []).push(value);
    }
  } else {
    event.requestContext.http.method = method;
    event.headers['content-length'] = String(body.length);
    for (const [name, value] of fields) {
      const lower = name.toLowerCase();
      // HTTP APIs join a repeated field's values with commas.
      event.headers[lower] = event.headers[lower] === undefined ? value : `${event.headers[lower]},${value}`;
    }
  }
  event.body = Buffer.from(body).toString(base64 ? 'base64' : 'utf8');
  event.isBase64Encoded = base64;
  return event;
}

for (const format of FORMATS) {
  test(`${format}: every fixture gets the answer every host gives; valid ones are handed on`, async () => {
    const seen = [];
    const handler = lambdaHandler(new Gate({ normalize: true }), (event, delivery) => { seen.push(delivery.eventName ?? null); }, { log: quiet });
    for (const [path, recorded] of Object.entries(verdicts)) {
      // Bodies that are not UTF-8 arrive base64-encoded, as API Gateway sends binary bodies.
      let utf8 = true;
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(read(path));
      } catch {
        utf8 = false;
      }
      const base64 = !utf8 || path.length % 2 === 0;
      const result = await handler(eventOf(format, read(path), [], { base64 }));
      const expected = answers.bodies[path];
      assert.equal(result.statusCode, expected ? expected.status : 200, path);
      assert.equal(result.isBase64Encoded, false, path);
      if (expected) {
        assert.equal(result.body, expected.problem, path);
        assert.deepEqual(Object.entries(result.headers), expected.headers, path);
      } else {
        assert.deepEqual(JSON.parse(result.body), { received: true, eventName: recorded.event_name ?? null }, path);
      }
    }
    assert.deepEqual(seen, Object.values(verdicts).filter((recorded) => recorded.valid).map((recorded) => recorded.event_name ?? null));
    const wrong = await handler(eventOf(format, Buffer.from('{}'), [], { method: 'GET' }));
    assert.equal(wrong.statusCode, 405);
    assert.equal(wrong.headers.allow, 'POST');
  });

  test(`${format}: signed deliveries, a repeated signature header refused, the delivery contract`, async () => {
    const secret = vectors.secrets.current;
    const body = Buffer.from(vectors.cases.find((vector) => vector.name === 'signed').body);
    const sign = (requestId) => [
      ['Webhook-Signature', createHmac('sha256', secret).update(`${vectors.now}.${requestId}.`).update(body).digest('hex')],
      ['webhook-timestamp', String(vectors.now)],
      ['Webhook-Request-ID', requestId],
    ];
    let failing = true;
    const handled = [];
    const handler = lambdaHandler(new Gate({ signature: { secrets: [secret] } }), (event, delivery) => {
      if (failing) throw new Error('the service is down');
      handled.push(delivery.requestId);
    }, { now: () => vectors.now, log: quiet });
    const id = `lambda-${format}`;
    assert.equal((await handler(eventOf(format, body, sign(id)))).statusCode, 500);
    failing = false;
    assert.equal((await handler(eventOf(format, body, sign(id), { base64: true }))).statusCode, 200);
    const copy = await handler(eventOf(format, body, sign(id)));
    assert.equal(copy.statusCode, 200);
    assert.equal(copy.headers['x-hookguard-duplicate'], 'delivered');
    assert.deepEqual(handled, [id]);
    // The same signature header twice (two fields in 1.0, joined with a comma in 2.0): refused.
    const repeated = await handler(eventOf(format, body, [...sign(`${id}-2`), sign(`${id}-2`)[0]]));
    assert.equal(repeated.statusCode, 401);
    assert.equal(JSON.parse(repeated.body).errors[0].code, 'signature_duplicate_header');
  });
}

test('an event that is not an HTTP event is a TypeError, not an answer', async () => {
  const handler = lambdaHandler(new Gate(), () => {}, { log: quiet });
  await assert.rejects(handler(null), TypeError);
});
