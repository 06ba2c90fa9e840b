// An A/B of two builds of the package's module in one process, beside JSON.parse + one ajv
// validator per event schema (allErrors on): passes interleaved round by round, best of each,
// so that a burst of the shared machine's noise falls on every contender alike. Usage:
//   node bench/ab.mjs CAPTURE.ndjson BUILD_DIR_A BUILD_DIR_B   (each a copy of `node/`)
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ajvCheck } from '../test/runtimes/ajv-per-event.mjs';
import { captureLines } from '../test/runtimes/capture-lines.mjs';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const [capture, ...builds] = process.argv.slice(2);
if (!capture || builds.length === 0) throw new Error('usage: node bench/ab.mjs CAPTURE.ndjson BUILD_DIR...');
const data = readFileSync(capture);
const lines = captureLines(data);
const require = createRequire(import.meta.url);
const contenders = builds.map((dir) => {
  const { validate } = require(resolve(dir, 'hookguard_js.js'));
  return [dir, (line) => validate(line, undefined).valid];
});
const ajv = ajvCheck(root, { allErrors: true });
contenders.push(['JSON.parse + ajv per event (allErrors on)', (line) => ajv(line)]);
const best = contenders.map(() => Infinity);
const valid = contenders.map(() => 0);
for (let round = 0; round < 12; round += 1) {
  contenders.forEach(([, check], index) => {
    const started = process.hrtime.bigint();
    let count = 0;
    for (const line of lines) if (check(line)) count += 1;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    valid[index] = count;
    // The first round warms every contender up (JIT tiers, compiled schemas).
    if (round > 0) best[index] = Math.min(best[index], seconds);
  });
}
const baseline = best.at(-1);
contenders.forEach(([name], index) => {
  console.log(`${name}: ${Math.round(lines.length / best[index]).toLocaleString('en')} payloads/s (${valid[index]} valid), ${(baseline / best[index]).toFixed(2)}x of ajv`);
});
