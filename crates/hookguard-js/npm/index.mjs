// Node ESM entry: the web build's glue, instantiated synchronously from the bundled module so
// that `import { validate } from 'hookguard'` is ready to use with no `await`.
import { readFileSync } from 'node:fs';
import { initSync } from './web/hookguard_js.js';

const wasm = new URL('./web/hookguard_js_bg.wasm', import.meta.url);
// A bundler that rewrote the URL (webpack, in Next.js's `next build --webpack`) leaves no file to
// read: say what to do instead of Node's "Received an instance of URL".
if (!String(wasm).startsWith('file:')) {
  throw new Error(`hookguard: its WebAssembly module was moved by a bundler (${String(wasm)}) and cannot be read from a file; ` +
    "leave the package unbundled (Next.js: serverExternalPackages: ['hookguard'] in next.config)");
}
initSync({ module: readFileSync(wasm) });

export { validate, normalize, verify, Gate, events, schema, version,
  storeKeyPrefix, storeClaimCommand, storeSettleCommand, storeClaimOfReply, storeFailureLine } from './web/hookguard_js.js';
