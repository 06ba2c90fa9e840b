// Payloads per second through `validate(Buffer)` against the Node stack a team would write:
// JSON.parse + one ajv validator compiled per event schema (`schemas/events/<name>.json`, 2020-12,
// formats on), picked by `event_name` (the test delivery's schema when it is absent). Printed
// with allErrors on (hookguard reports every finding, so that is the baseline) and off, and,
// labelled as an extra, ajv over the bundle (whose `if`/`then` per event is evaluated for every
// payload: no team would pick it for speed). One thread, the same lines already in memory, best of
// three passes each, ratios from this one run. Usage: node bench/throughput.mjs CAPTURE.ndjson
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { validate } from '../index.mjs';
import { ajvCheck } from '../test/runtimes/ajv-per-event.mjs';
import { captureLines } from '../test/runtimes/capture-lines.mjs';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const capture = process.argv[2];
if (!capture) throw new Error('usage: node bench/throughput.mjs CAPTURE.ndjson');

const data = readFileSync(capture);
const lines = captureLines(data);
const megabytes = data.length / 1e6;

const readSchema = (path) => JSON.parse(readFileSync(join(root, path), 'utf8'));

const perEvent = (allErrors) => ajvCheck(root, { allErrors });

const bundleAjv = new Ajv2020({ allErrors: true, strict: true });
addFormats(bundleAjv);
const bundle = bundleAjv.compile(readSchema('schemas/bundle.json'));

function time(name, check, inputs = lines) {
  // One warm-up pass (JIT tiers up, the validator compiles its schemas), then the best of three
  // timed passes (the machines are shared: the best pass is the one least disturbed).
  let valid = 0;
  for (const input of inputs) if (check(input)) valid += 1;
  let best = Infinity;
  for (let pass = 0; pass < 3; pass += 1) {
    const started = process.hrtime.bigint();
    valid = 0;
    for (const input of inputs) if (check(input)) valid += 1;
    best = Math.min(best, Number(process.hrtime.bigint() - started) / 1e9);
  }
  const rate = inputs.length / best;
  console.log(`${name}: ${Math.round(rate).toLocaleString('en')} payloads/s, ${(megabytes / best).toFixed(1)} MB/s (${valid} of ${inputs.length} valid)`);
  return rate;
}

console.log(`capture: ${capture}, ${lines.length.toLocaleString('en')} payloads, ${megabytes.toFixed(1)} MB; node ${process.version}`);
const ours = time('hookguard validate(Buffer)', (line) => validate(line).valid);
const texts = lines.map((line) => line.toString('utf8'));
const oursText = time('hookguard validate(string)', (text) => validate(text).valid, texts);
const perEventAll = time('JSON.parse + ajv per event (allErrors on)', perEvent(true));
const perEventFirst = time('JSON.parse + ajv per event (allErrors off)', perEvent(false));
const perEventText = time('JSON.parse(string) + ajv per event (allErrors on)', perEvent(true), texts);
const bundled = time('extra: JSON.parse + ajv over the bundle (allErrors on)', (line) => {
  try {
    return bundle(JSON.parse(line));
  } catch {
    return false;
  }
});
console.log(`hookguard / ajv per event, allErrors on: ${(ours / perEventAll).toFixed(2)}x (target >= 1.5x, stretch 2x)`);
console.log(`hookguard validate(string) / JSON.parse(string) + ajv per event, allErrors on: ${(oursText / perEventText).toFixed(2)}x`);
console.log(`hookguard / ajv per event, allErrors off: ${(ours / perEventFirst).toFixed(2)}x`);
console.log(`hookguard / ajv over the bundle (extra): ${(ours / bundled).toFixed(2)}x`);
