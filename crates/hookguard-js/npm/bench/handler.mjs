// The Fetch handler against the receiver a team writes without hookguard, in one Node process on
// the same `Request`s (the two routes of the runtimes' HTTP benchmark, bench-app.mjs: hookguard's
// `fetchHandler` over a default Gate, and ajv-per-event.mjs's receiver: `JSON.parse` + one
// compiled ajv validator per event schema, allErrors on, 400 with ajv's errors, else 200), beside a receiver that only reads the body and answers 200 (what any
// receiver pays for `Request` and `Response`). No HTTP server: the figure is the handler's own
// cost per request. Other copies of the package (e.g. one built before a change) may be named
// after LINES: each adds its own `fetchHandler` to the same turns. Usage:
//   node bench/handler.mjs CAPTURE.ndjson [LINES] [PACKAGE_DIR...]
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { fetchHandler } from '../fetch.mjs';
import { Gate } from '../index.mjs';
import { ajvReceiver } from '../test/runtimes/ajv-per-event.mjs';
import { captureLines } from '../test/runtimes/capture-lines.mjs';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const [capture, count = '20000', ...packages] = process.argv.slice(2);
if (!capture) throw new Error('usage: node bench/handler.mjs CAPTURE.ndjson [LINES]');
const lines = captureLines(readFileSync(capture)).slice(0, Number(count));
const contenders = [
  ['hookguard fetchHandler', fetchHandler(new Gate(), () => undefined)],
  ['JSON.parse + ajv per event receiver', ajvReceiver(root)],
  ['body read, 200 (no checking)', async (request) => new Response(await request.arrayBuffer() && 'ok', { status: 200 })],
];
for (const dir of packages) {
  const url = (file) => pathToFileURL(resolve(dir, file)).href;
  const other = await import(url('fetch.mjs'));
  const { Gate: OtherGate } = await import(url('index.mjs'));
  contenders.push([`hookguard fetchHandler (${dir})`, other.fetchHandler(new OtherGate(), () => undefined)]);
}
// As a server hands them over: a POST with its declared length and type.
const requestOf = (line) =>
  new Request('http://127.0.0.1/webhooks', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'content-length': String(line.byteLength) },
    body: line,
  });

// The contenders take turns on each batch of 250 requests (in a rotating order), and a pass's
// time per contender is the sum over its batches: this shared machine's speed drifts by tens of
// percent within seconds, which separate passes of a few seconds each measured as much as the
// difference between the contenders.
const batch = 250;
const spent = contenders.map(() => 0);
const answered = contenders.map(() => new Map());
const passes = 4;
for (let pass = 0; pass < passes + 1; pass += 1) {
  for (let start = 0, turn = 0; start < lines.length; start += batch, turn += 1) {
    const slice = lines.slice(start, start + batch);
    for (let k = 0; k < contenders.length; k += 1) {
      const index = (k + turn) % contenders.length;
      const [, handle] = contenders[index];
      const statuses = answered[index];
      const started = process.hrtime.bigint();
      for (const line of slice) {
        const response = await handle(requestOf(line));
        await response.arrayBuffer();
        // The first pass warms every contender up (JIT tiers, compiled schemas): not counted.
        if (pass === passes) statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      }
      if (pass > 0) spent[index] += Number(process.hrtime.bigint() - started) / 1e9;
    }
  }
}
const baseline = spent[1];
for (const [index, [name]] of contenders.entries()) {
  const statuses = [...answered[index]].sort(([a], [b]) => a - b).map(([status, n]) => `${status}: ${n}`).join(', ');
  const each = spent[index] / (lines.length * passes);
  console.log(
    `${name}: ${Math.round(1 / each).toLocaleString('en')} requests/s, ${(each * 1e6).toFixed(1)} us each ` +
      `(${statuses}), ${(baseline / spent[index]).toFixed(2)}x of ajv`,
  );
}
