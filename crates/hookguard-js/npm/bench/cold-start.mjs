// What a fresh Node process pays for the package, as a serverless function's cold start does:
// wall time of `node` importing the package and validating one delivery, minus the same process
// doing JSON.parse of the delivery without the package. Runs interleaved, medians reported.
// Usage: node bench/cold-start.mjs [RUNS]
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const runs = Number(process.argv[2] ?? 15);
const delivery = fileURLToPath(new URL('../../../../tests/fixtures/seeds/account/BOOK_VERIFIED.json', import.meta.url));
const read = `const body = (await import('node:fs')).readFileSync(${JSON.stringify(delivery)});`;
const programs = {
  esm: `${read} const { validate } = await import(${JSON.stringify(new URL('../index.mjs', import.meta.url).href)}); if (!validate(body).valid) process.exit(3);`,
  cjs: `${read} const { validate } = (await import('node:module')).createRequire(import.meta.url)(${JSON.stringify(fileURLToPath(new URL('../index.cjs', import.meta.url)))}); if (!validate(body).valid) process.exit(3);`,
  without: `${read} if (typeof JSON.parse(body) !== 'object') process.exit(3);`,
};

function wall(program) {
  const started = process.hrtime.bigint();
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', program], { stdio: 'inherit' });
  if (run.status !== 0) throw new Error(`a cold-start run failed (status ${run.status})`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

const times = Object.fromEntries(Object.keys(programs).map((name) => [name, []]));
for (let run = 0; run < runs; run += 1) {
  for (const [name, program] of Object.entries(programs)) times[name].push(wall(program));
}
const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
const without = median(times.without);
console.log(`cold start, ${runs} fresh node ${process.version} processes each, medians: without the package ${without.toFixed(0)} ms`);
for (const name of ['esm', 'cjs']) {
  const value = median(times[name]);
  console.log(`  import (${name}) + first validate: ${value.toFixed(0)} ms, ${(value - without).toFixed(0)} ms more than without (target <= 50 ms)`);
}
