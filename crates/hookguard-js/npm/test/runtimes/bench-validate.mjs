// validate(Uint8Array) in this runtime against what a team writes in the same runtime:
// JSON.parse + one ajv validator compiled per event schema (2020-12, formats on, allErrors on as
// hookguard reports every finding; off as an extra), picked by `event_name`. One thread, the
// lines already in memory, a warm-up pass then the best of three, ratios from this one run.
// The same file runs under Node, Deno (-A) and Bun: `RUNTIME bench-validate.mjs REPO CAPTURE`.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { validate } from 'hookguard';

const [root, capture] = process.argv.slice(2);
const runtime = globalThis.Deno ? `deno ${Deno.version.deno}` : globalThis.Bun ? `bun ${Bun.version}` : `node ${process.version}`;
const data = new Uint8Array(readFileSync(capture));
const lines = [];
for (let start = 0; start < data.length;) {
  let end = data.indexOf(10, start);
  if (end === -1) end = data.length;
  if (end > start) lines.push(data.subarray(start, end));
  start = end + 1;
}
const decoder = new TextDecoder();
const readSchema = (path) => JSON.parse(readFileSync(join(root, path), 'utf8'));

/** One compiled validator per event schema, and the test delivery's; bodies as bytes. */
function perEvent(allErrors) {
  const ajv = new Ajv2020({ allErrors, strict: true });
  addFormats(ajv);
  const byName = new Map();
  for (const file of readdirSync(join(root, 'schemas/events'))) {
    byName.set(file.replace(/\.json$/, ''), ajv.compile(readSchema(`schemas/events/${file}`)));
  }
  const testDelivery = ajv.compile(readSchema('schemas/test-delivery.json'));
  return (line) => {
    let payload;
    try {
      payload = JSON.parse(decoder.decode(line));
    } catch {
      return false;
    }
    if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) return false;
    if (!('event_name' in payload)) return testDelivery(payload);
    const validator = byName.get(payload.event_name);
    return validator ? validator(payload) : false;
  };
}

function time(check) {
  let valid = 0;
  for (const line of lines) if (check(line)) valid += 1;
  let best = Infinity;
  for (let pass = 0; pass < 3; pass += 1) {
    const started = performance.now();
    valid = 0;
    for (const line of lines) if (check(line)) valid += 1;
    best = Math.min(best, (performance.now() - started) / 1000);
  }
  return { rate: lines.length / best, valid };
}

const ours = time((line) => validate(line).valid);
const all = time(perEvent(true));
const first = time(perEvent(false));
const name = capture.split('/').pop();
const k = (rate) => `${Math.round(rate / 1000)}k/s`;
console.log(`| ${runtime} | ${name} | ${k(ours.rate)} | ${k(all.rate)} | ${(ours.rate / all.rate).toFixed(2)}x | ${k(first.rate)} | ${(ours.rate / first.rate).toFixed(2)}x |`);
