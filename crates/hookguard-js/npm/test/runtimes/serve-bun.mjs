// Bun: the package imported from node_modules, served by Bun.serve on 127.0.0.1.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as api from 'hookguard';
import { DirectoryQuarantine } from 'hookguard/quarantine';
import { createApp } from './app.mjs';
import { withBench } from './bench-app.mjs';

const quarantine = (gate) => new DirectoryQuarantine(gate, mkdtempSync(join(tmpdir(), 'hookguard-bun-')));
const app = await withBench(api, createApp(api, JSON.parse(process.env.HOOKGUARD_TEST_CONFIG), { quarantine }), process.env.HOOKGUARD_BENCH_REPO);
const server = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: app });
console.log(`listening ${server.port}`);
