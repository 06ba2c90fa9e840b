// Generates events.d.ts from the published schemas (schemas/events/*.json, schemas/catalog.json):
// one interface per organization-level event and the test delivery, the EventName union, and
// the EventPayloads map that keys the package's discriminated union. Run by
// `scripts/just js-types`; `--check` fails when the checked-in file differs.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { compile } from 'json-schema-to-typescript';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const output = fileURLToPath(new URL('../events.d.ts', import.meta.url));
const check = process.argv.includes('--check');

const catalog = JSON.parse(readFileSync(join(root, 'schemas/catalog.json'), 'utf8'));
const canonical = [...new Set(catalog.events.flatMap((event) => event.canonical_names))].sort();

/** `book.detect.signal_found` -> `BookDetectSignalFound`, `MIDDESK_VERIFIED` -> `MiddeskVerified`. */
const typeName = (name) => name
  .split(/[^A-Za-z0-9]+/)
  .filter(Boolean)
  .map((part) => part[0].toUpperCase() + part.slice(1).toLowerCase())
  .join('');

const options = {
  bannerComment: '',
  // Declared fields only: unknown fields are reported as warnings, not typed.
  additionalProperties: false,
  strictIndexSignatures: true,
  format: true,
  style: { singleQuote: true, printWidth: 100 },
};

async function declare(name, file) {
  const schema = JSON.parse(readFileSync(join(root, file), 'utf8'));
  // The schema's own title would name the interface; the event name is the stable handle.
  delete schema.title;
  return compile(schema, typeName(name), options);
}

const parts = [
  '// Generated from schemas/ by crates/hookguard-js/npm/scripts/generate-types.mjs',
  '// (`scripts/just js-types`). Do not edit: change the Rust event types and regenerate.',
  '',
];
for (const name of canonical) parts.push(await declare(name, `schemas/events/${name}.json`));
parts.push(await declare('test-delivery', 'schemas/test-delivery.json'));
parts.push(
  '/** Organization-level (canonical) event names: what a valid result\'s `eventName` holds. */',
  `export type EventName =\n${canonical.map((name) => `  | '${name}'`).join('\n')};`,
  '',
  '/** The normalized payload type of each organization-level event name. */',
  'export interface EventPayloads {',
  ...canonical.map((name) => `  '${name}': ${typeName(name)};`),
  '}',
  '',
  '/** Any normalized event payload, discriminated by `event_name`. */',
  'export type HookguardEvent = EventPayloads[EventName];',
  '',
);
const text = parts.join('\n');

if (check) {
  const current = readFileSync(output, 'utf8');
  if (current !== text) {
    console.error('events.d.ts is out of date: run `scripts/just js-types` and commit the result');
    process.exit(1);
  }
  console.log('events.d.ts is up to date');
} else {
  writeFileSync(output, text);
  console.log(`wrote ${output} (${canonical.length} events and the test delivery)`);
}
