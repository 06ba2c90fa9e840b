// Browsers, Deno, edge runtimes: the same API as the Node entry, after `await init()`.
export * from './index.js';

/** Where the module comes from: defaults to web/hookguard_js_bg.wasm next to web.mjs. */
export type ModuleSource =
  | RequestInfo | URL | Response | BufferSource | WebAssembly.Module;

/** Loads and instantiates the module; call (and await) once before anything else. */
export default function init(source?: { module_or_path: ModuleSource | Promise<ModuleSource> }): Promise<unknown>;

/** Instantiates the module synchronously from its bytes or a compiled module. */
export function initSync(source: { module: BufferSource | WebAssembly.Module }): unknown;
