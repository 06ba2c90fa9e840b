// Large bodies through the gateway filter (RELIABILITY.md's large-body table): for each body, a
// fresh Envoy with one worker and max_bytes at the core's 8 MiB ceiling, the body sent
// once; prints one JSON line per body with the answer's status, the time to the answer, and
// the worker VM's linear memory afterwards (wasm memory never shrinks, so that is the peak this
// body caused, from a fresh VM).
// Usage: node bench/body-cost.mjs BODY...
import { readFileSync } from 'node:fs';
import { envoyConfig, send, startEnvoy, startUpstream, vmMemory } from '../test/harness.mjs';

const CEILING = 8 * 1024 * 1024;
const upstream = await startUpstream({ record: () => {} });
try {
  for (const path of process.argv.slice(2)) {
    const envoy = await startEnvoy(envoyConfig({
      upstreamPort: upstream.port,
      listeners: { large: { max_bytes: CEILING } },
      bufferLimit: 2 * CEILING,
    }), { concurrency: 1 });
    try {
      const body = readFileSync(path);
      const started = performance.now();
      const response = await send(envoy.ports.large, { headers: { 'content-type': 'application/json' }, body });
      const ms = Math.round(performance.now() - started);
      const memory = [...vmMemory(await envoy.stats()).values()];
      console.log(JSON.stringify({ path, bytes: body.length, status: response.status, ms, vm_memory_bytes: Math.max(...memory) }));
      if (response.status >= 500) {
        const failure = envoy.log().split('\n').filter((line) => /wasm|VM|memory/i.test(line)).slice(-5);
        console.error(`${path}: ${response.status}; Envoy's log:\n${failure.join('\n')}`);
      }
    } finally {
      await envoy.stop();
    }
  }
} finally {
  await upstream.stop();
}
