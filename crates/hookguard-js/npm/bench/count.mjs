// One contender's loop for scripts/js-instructions: `validate(line).valid` of a package build
// (BUILD_DIR, a copy of `node/`), or `ajv` for JSON.parse + one ajv validator per event schema
// (allErrors on), over the first LINES lines of a capture, ROUNDS times. Prints the valid count.
//   node bench/count.mjs CAPTURE.ndjson BUILD_DIR|ajv LINES ROUNDS
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ajvCheck } from '../test/runtimes/ajv-per-event.mjs';
import { captureLines } from '../test/runtimes/capture-lines.mjs';

const [capture, build, lines, rounds] = process.argv.slice(2);
if (!rounds) throw new Error('usage: node bench/count.mjs CAPTURE.ndjson BUILD_DIR|ajv LINES ROUNDS');
const root = fileURLToPath(new URL('../../../../', import.meta.url));
const check = build === 'ajv'
  ? ajvCheck(root, { allErrors: true })
  : ((validate) => (line) => validate(line, undefined).valid)(createRequire(import.meta.url)(resolve(build, 'hookguard_js.js')).validate);
const sample = captureLines(readFileSync(capture)).slice(0, Number(lines));
let valid = 0;
for (let round = 0; round < Number(rounds); round += 1) {
  for (const line of sample) if (check(line)) valid += 1;
}
console.log(valid);
