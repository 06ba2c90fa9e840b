// Payloads per second through `validate(Buffer)` against the usual Node stack, JSON.parse + ajv
// (2020-12, formats on, the project's own bundle schema compiled once), on the NDJSON capture
// the command-line bench uses. Both run on one thread over the same lines, already in memory.
// Prints the numbers; BENCHMARKS.md records them. Usage: node bench/throughput.mjs CAPTURE.ndjson
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { validate } from '../index.mjs';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const capture = process.argv[2];
if (!capture) throw new Error('usage: node bench/throughput.mjs CAPTURE.ndjson');

const data = readFileSync(capture);
const lines = [];
for (let start = 0; start < data.length;) {
  let end = data.indexOf(10, start);
  if (end === -1) end = data.length;
  if (end > start) lines.push(data.subarray(start, end));
  start = end + 1;
}
const megabytes = data.length / 1e6;

const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats(ajv);
const bundle = ajv.compile(JSON.parse(readFileSync(join(root, 'schemas/bundle.json'), 'utf8')));

function time(name, check) {
  // One warm-up pass (JIT tiers up, the validator compiles its schemas), then one timed pass.
  let valid = 0;
  for (const line of lines) if (check(line)) valid += 1;
  const started = process.hrtime.bigint();
  valid = 0;
  for (const line of lines) if (check(line)) valid += 1;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const rate = lines.length / seconds;
  console.log(`${name}: ${Math.round(rate).toLocaleString('en')} payloads/s, ${(megabytes / seconds).toFixed(1)} MB/s (${valid} of ${lines.length} valid)`);
  return rate;
}

console.log(`capture: ${capture}, ${lines.length.toLocaleString('en')} payloads, ${megabytes.toFixed(1)} MB; node ${process.version}`);
const ours = time('hookguard validate(Buffer)', (line) => validate(line).valid);
const theirs = time('JSON.parse + ajv', (line) => {
  try {
    return bundle(JSON.parse(line.toString('utf8')));
  } catch {
    return false;
  }
});
console.log(`hookguard / ajv: ${(ours / theirs).toFixed(2)}x (target >= 1.5x)`);
