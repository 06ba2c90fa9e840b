// Browsers, Deno, edge runtimes: `await init()` (fetches web/hookguard_js_bg.wasm next to this
// file, or pass a URL, Response, or the module's bytes) before the first call.
export { default, initSync, validate, normalize, verify, Gate, events, schema, version } from './web/hookguard_js.js';
