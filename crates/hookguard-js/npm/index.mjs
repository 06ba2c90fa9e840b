// Node ESM entry: the web build's glue, instantiated synchronously from the bundled module so
// that `import { validate } from 'hookguard'` is ready to use with no `await`.
import { readFileSync } from 'node:fs';
import { initSync } from './web/hookguard_js.js';

initSync({ module: readFileSync(new URL('./web/hookguard_js_bg.wasm', import.meta.url)) });

export { validate, normalize, verify, Gate, events, schema, version,
  storeKeyPrefix, storeClaimCommand, storeSettleCommand, storeClaimOfReply, storeFailureLine } from './web/hookguard_js.js';
