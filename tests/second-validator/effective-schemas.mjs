// ajv on the effective schemas `hookguard schemas --overlay FILE --out-dir DIR` writes: in their
// strict form (undeclared members refused, as hookguard's strict mode does), they reach the
// recorded strict-mode verdict with the overlay on every line of the drifted capture a schema
// can judge, and the published schemas reach the verdict without it. Run by `just cli-test`
// (it writes the schemas with the built command line first):
//
//     HOOKGUARD_EFFECTIVE_SCHEMAS=DIR node --test tests/second-validator/effective-schemas.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

const root = fileURLToPath(new URL('../..', import.meta.url));
const effectiveDir = process.env.HOOKGUARD_EFFECTIVE_SCHEMAS;
if (!effectiveDir) throw new Error('set HOOKGUARD_EFFECTIVE_SCHEMAS (`scripts/just cli-test` does)');
const drift = JSON.parse(readFileSync(join(root, 'tests/expected/drift-verdicts.json'), 'utf8'));
const lines = readFileSync(join(root, drift.capture), 'utf8').split('\n').filter((line) => line !== '');

/** The strict form: every object schema with `properties` refuses other members. */
function strictForm(schema) {
  if (typeof schema !== 'object' || schema === null) return schema;
  const properties = schema.properties;
  const namesOnly = properties && Object.values(properties).every((property) => property === true);
  if (properties && !namesOnly && !('additionalProperties' in schema)) schema.additionalProperties = false;
  for (const property of Object.values(properties ?? {})) strictForm(property);
  if (schema.items) strictForm(schema.items);
  for (const keyword of ['anyOf', 'allOf', 'oneOf']) (schema[keyword] ?? []).forEach(strictForm);
  delete schema.examples;
  return schema;
}

function validators(directory) {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats(ajv);
  const compiled = new Map();
  return (name) => {
    if (!compiled.has(name)) {
      let schema;
      try {
        schema = JSON.parse(readFileSync(join(directory, 'events', `${name}.json`), 'utf8'));
      } catch {
        compiled.set(name, null);
        return null;
      }
      compiled.set(name, ajv.compile(strictForm(schema)));
    }
    return compiled.get(name);
  };
}

test('ajv with the effective schemas reaches hookguard\'s strict verdicts with the overlay, and the published ones without', () => {
  assert.equal(lines.length, drift.lines.length);
  const effective = validators(effectiveDir);
  const published = validators(join(root, 'schemas'));
  let judged = 0;
  for (const [index, line] of lines.entries()) {
    let payload;
    try {
      payload = JSON.parse(line);
    } catch {
      continue; // unreadable: refused before any schema, by both
    }
    const withOverlay = effective(payload.event_name);
    if (!withOverlay) continue; // no such event: refused before any schema
    const recorded = drift.lines[index];
    assert.equal(withOverlay(payload), recorded.with_overlay.valid, `line ${index + 1} with the overlay`);
    assert.equal(published(payload.event_name)(payload), recorded.without_overlay.valid, `line ${index + 1} without`);
    judged += 1;
  }
  assert.ok(judged > 300, `only ${judged} lines judged`);
});
