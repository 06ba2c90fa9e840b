// Time and memory of checking one large body through the npm package (RELIABILITY.md's
// large-body table): validates the file once with the body limit raised to the ceiling and
// prints one JSON line: milliseconds, the wasm module's linear memory (it never shrinks, so
// this is its peak) and the process's peak resident set.
// Usage: node bench/body-cost.mjs BODY
import { readFileSync } from 'node:fs';
import { resourceUsage } from 'node:process';
import { validate } from '../index.mjs';
import { initSync } from '../web/hookguard_js.js';

// index.mjs has instantiated the module already; initSync hands back the same instance.
const { memory } = initSync({ module: readFileSync(new URL('../web/hookguard_js_bg.wasm', import.meta.url)) });

const path = process.argv[2];
if (!path) throw new Error('usage: node bench/body-cost.mjs BODY');
const body = readFileSync(path);
const started = performance.now();
const result = validate(body, { maxBytes: 8 * 1024 * 1024 });
const ms = performance.now() - started;
console.log(JSON.stringify({
  bytes: body.length,
  valid: result.valid,
  listed: result.errors.length + result.warnings.length,
  omitted: result.omitted ?? null,
  ms: Math.round(ms),
  wasm_memory_bytes: memory.buffer.byteLength,
  peak_rss_bytes: resourceUsage().maxRSS * 1024,
}));
