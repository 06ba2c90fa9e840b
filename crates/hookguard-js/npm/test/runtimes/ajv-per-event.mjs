// The baseline every JavaScript figure sets hookguard against: one ajv validator compiled per
// event schema (`schemas/events/<name>.json`, 2020-12, formats on) and the test delivery's,
// picked by a parsed payload's `event_name`. One definition for the benchmarks in every runtime
// (bench-validate.mjs, bench-app.mjs) and for the package's own (bench/throughput.mjs,
// bench/handler.mjs).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

/**
 * `(payload) => validator | undefined`: the compiled validator for a parsed payload (the test
 * delivery's when it has no `event_name`), undefined when it is no object or names no event.
 */
export function ajvPerEvent(root, { allErrors }) {
  const ajv = new Ajv2020({ allErrors, strict: true });
  addFormats(ajv);
  const readSchema = (path) => JSON.parse(readFileSync(join(root, path), 'utf8'));
  const byName = new Map();
  for (const file of readdirSync(join(root, 'schemas/events'))) {
    byName.set(file.replace(/\.json$/, ''), ajv.compile(readSchema(`schemas/events/${file}`)));
  }
  const testDelivery = ajv.compile(readSchema('schemas/test-delivery.json'));
  return (payload) => {
    if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) return undefined;
    return 'event_name' in payload ? byName.get(payload.event_name) : testDelivery;
  };
}

/** A check of raw lines (`parse` turns one into a value): JSON parse, pick, validate. */
export function ajvCheck(root, { allErrors, parse = JSON.parse }) {
  const validatorFor = ajvPerEvent(root, { allErrors });
  return (line) => {
    let payload;
    try {
      payload = parse(line);
    } catch {
      return false;
    }
    const validator = validatorFor(payload);
    return validator ? validator(payload) : false;
  };
}

/**
 * The receiver a team writes without hookguard, as a Fetch handler: `JSON.parse` of the body,
 * the event's validator, 400 with ajv's errors, else 200 `{ received, eventName }`. It checks
 * no signature: the figures it is set against are the validation's.
 */
export function ajvReceiver(root) {
  const validatorFor = ajvPerEvent(root, { allErrors: true });
  const json = (status, body) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  return async (request) => {
    let payload;
    try {
      payload = JSON.parse(await request.text());
    } catch (error) {
      return json(400, { error: error.message });
    }
    const validator = validatorFor(payload);
    if (!validator) return json(400, { error: 'not an object of a known event' });
    if (!validator(payload)) return json(400, { errors: validator.errors });
    return json(200, { received: true, eventName: payload.event_name ?? null });
  };
}
