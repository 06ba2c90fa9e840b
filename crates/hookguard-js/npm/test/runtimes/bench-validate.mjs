// validate(Uint8Array) in this runtime against what a team writes in the same runtime:
// JSON.parse + one ajv validator compiled per event schema (2020-12, formats on, allErrors on as
// hookguard reports every finding; off as an extra), picked by `event_name`. One thread, the
// lines already in memory, a warm-up pass then the best of three, ratios from this one run.
// The same file runs under Node, Deno (-A) and Bun: `RUNTIME bench-validate.mjs REPO CAPTURE`.
import { readFileSync } from 'node:fs';
import process from 'node:process';
import { validate } from 'hookguard';
import { ajvCheck } from './ajv-per-event.mjs';
import { captureLines } from './capture-lines.mjs';

const [root, capture] = process.argv.slice(2);
const runtime = globalThis.Deno ? `deno ${Deno.version.deno}` : globalThis.Bun ? `bun ${Bun.version}` : `node ${process.version}`;
const data = new Uint8Array(readFileSync(capture));
const lines = captureLines(data);
const decoder = new TextDecoder();

const perEvent = (allErrors) => ajvCheck(root, { allErrors, parse: (line) => JSON.parse(decoder.decode(line)) });

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
