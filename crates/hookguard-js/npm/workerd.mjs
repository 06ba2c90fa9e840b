// Cloudflare Workers (workerd) entry: Workers get WebAssembly as a module import, compiled by
// the runtime when the Worker loads (they may not compile code from bytes at run time, and
// there is no file next to the module to fetch). Ready to use with no `await`.
import module from './web/hookguard_js_bg.wasm';
import { initSync } from './web/hookguard_js.js';

initSync({ module });

export { validate, normalize, verify, Gate, events, schema, version } from './web/hookguard_js.js';
