// Builds the static site into one directory (default target/site): the page, its script and
// style, and hookguard's web build with its WebAssembly inlined as base64, so that the page
// needs no request once loaded (its Content-Security-Policy forbids them).
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const out = resolve(root, process.argv[2] ?? 'target/site');
const web = join(root, 'crates/hookguard-js/npm/web');

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, 'pkg'), { recursive: true });
for (const file of ['index.html', 'style.css', 'app.mjs']) cpSync(join(here, file), join(out, file));
cpSync(join(web, 'hookguard_js.js'), join(out, 'pkg/hookguard_js.js'));
cpSync(join(web, 'snippets'), join(out, 'pkg/snippets'), { recursive: true });
const wasm = readFileSync(join(web, 'hookguard_js_bg.wasm'));
writeFileSync(join(out, 'pkg/module.mjs'), `// hookguard_js_bg.wasm, base64\nexport default ${JSON.stringify(wasm.toString('base64'))};\n`);
console.log(`site: ${out} (module ${wasm.length} bytes, inlined)`);
