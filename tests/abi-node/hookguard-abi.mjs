// A minimal host of hookguard.wasm written against docs/abi.md with Node's bare WebAssembly
// API: no binding generator, only integers and linear memory. Node's built-in WASI provides
// the few system calls the module imports.
import { readFileSync } from 'node:fs';
import { WASI } from 'node:wasi';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export class HookguardModule {
  constructor(wasmPath) {
    const wasi = new WASI({ version: 'preview1', returnOnExit: true });
    const module = new WebAssembly.Module(readFileSync(wasmPath));
    this.instance = new WebAssembly.Instance(module, wasi.getImportObject());
    wasi.initialize(this.instance);
    this.exports = this.instance.exports;
  }

  memory() {
    // Re-read on every use: the memory's buffer is replaced whenever the module grows it.
    return new Uint8Array(this.exports.memory.buffer);
  }

  result() {
    const pointer = this.exports.hookguard_result_ptr();
    const length = this.exports.hookguard_result_len();
    return decoder.decode(this.memory().slice(pointer, pointer + length));
  }

  /** Copies `bytes` into a fresh module allocation and calls `fn(pointer, length)`. */
  withBuffer(bytes, fn) {
    const pointer = this.exports.hookguard_alloc(bytes.length);
    if (pointer === 0) throw new Error('hookguard_alloc refused');
    this.memory().set(bytes, pointer);
    try {
      return fn(pointer, bytes.length);
    } finally {
      this.exports.hookguard_free(pointer, bytes.length);
    }
  }

  call(name, bytes) {
    const status = this.withBuffer(bytes, (pointer, length) => this.exports[name](pointer, length));
    return { status, result: this.result() };
  }

  normalize(body) { return this.call('hookguard_normalize', body); }
  validate(body) { return this.call('hookguard_validate', body); }
  configure(options) { return this.call('hookguard_configure', encoder.encode(JSON.stringify(options))); }
  schema(name) { return this.call('hookguard_schema', encoder.encode(name)); }
  settle(request) { return this.call('hookguard_settle', encoder.encode(JSON.stringify(request))); }
  screen(request) { return this.call('hookguard_screen', encoder.encode(JSON.stringify(request))); }
  options() { this.exports.hookguard_options(); return this.result(); }
  /**
   * The result slot's four words (`hookguard_result_slot`): the last result's address and
   * length, and where in it a problem document lies.
   */
  slot() {
    const words = new Uint32Array(this.exports.memory.buffer, this.exports.hookguard_result_slot(), 4);
    return { address: words[0], length: words[1], problemOffset: words[2], problemLength: words[3] };
  }
  /** `hookguard_admit`: the request JSON and the body in two allocations. */
  admit(request, body) {
    const requestBytes = encoder.encode(JSON.stringify(request));
    const status = this.withBuffer(requestBytes, (pointer, length) => this.withBuffer(body, (bodyPointer, bodyLength) =>
      this.exports.hookguard_admit(pointer, length, bodyPointer, bodyLength)));
    return { status, result: this.result() };
  }
  catalog() { this.exports.hookguard_catalog(); return this.result(); }
  version() { this.exports.hookguard_version(); return this.result(); }
}
