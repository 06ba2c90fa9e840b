// The baseline every JavaScript figure sets hookguard against: one ajv validator compiled per
// event schema (`schemas/events/<name>.json`, 2020-12, formats on) and the test delivery's,
// picked by a parsed payload's `event_name`. One definition for the benchmarks in every runtime
// (bench-validate.mjs, bench-app.mjs) and for the package's own (bench/throughput.mjs).
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
