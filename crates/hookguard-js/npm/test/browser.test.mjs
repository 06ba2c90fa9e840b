// The web build in real browsers: headless Chromium and Firefox each load web.mjs from a server
// on 127.0.0.1, `await init()` fetches the module, and every recorded fixture (fetched as bytes)
// must get the verdict in tests/expected/verdicts.json and the Gate's exact answer in
// answers.json; the signature vectors their verdicts; a body over the limit its refusal. The page
// posts its results back to the server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize as normalizePath } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const root = fileURLToPath(new URL('../../../../', import.meta.url));
const verdicts = JSON.parse(readFileSync(join(root, 'tests/expected/verdicts.json'), 'utf8'));
const answers = JSON.parse(readFileSync(join(root, 'tests/expected/answers.json'), 'utf8'));
const vectors = JSON.parse(readFileSync(join(root, 'tests/fixtures/signatures/vectors.json'), 'utf8'));
const chromium = process.env.CHROMIUM ?? '/usr/bin/chromium';
const firefox = process.env.FIREFOX ?? '/usr/bin/firefox-esr';
const types = { '.mjs': 'text/javascript', '.js': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };

const page = `<!doctype html><meta charset="utf-8"><title>hookguard web build</title>
<script type="module">
  const report = (body) => fetch('/results', { method: 'POST', body: JSON.stringify(body) });
  try {
    const { default: init, normalize, verify, Gate } = await import('/package/web.mjs');
    await init();
    const paths = await (await fetch('/paths')).json();
    const results = {};
    const answers = {};
    const gate = new Gate();
    for (const path of paths) {
      const bytes = new Uint8Array(await (await fetch('/repo/' + path)).arrayBuffer());
      results[path] = normalize(bytes);
      const admission = gate.admit(new Headers(), bytes);
      answers[path] = { status: admission.status, problem: admission.problem };
    }
    // A body over the limit: refused for its size, only maxBytes + 1 of it read.
    const oversized = gate.admit(new Headers(), new Uint8Array(gate.maxBytes + 4096).fill(32));
    const vectors = await (await fetch('/repo/tests/fixtures/signatures/vectors.json')).json();
    const verdicts = {};
    for (const vector of vectors.cases) {
      const headers = new Headers();
      for (const [name, value] of [...Object.entries(vector.headers), ...(vector.extra_headers ?? [])]) headers.append(name, value);
      const secrets = vector.secrets.map((name) => vectors.secrets[name]);
      const verdict = verify(headers, new TextEncoder().encode(vector.body), { secrets, toleranceSeconds: vectors.tolerance_seconds, now: vectors.now });
      verdicts[vector.name] = verdict.authentic ? null : verdict.code;
    }
    await report({ userAgent: navigator.userAgent, results, answers, oversized: oversized.problem, verdicts });
  } catch (error) {
    await report({ error: String(error && error.stack || error) });
  }
</script>`;

/** Serves the page, the package, the fixtures; resolves `results` when the page posts them. */
function serve() {
  let deliver;
  const results = new Promise((resolve) => { deliver = resolve; });
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    if (req.method === 'POST' && url.pathname === '/results') {
      const chunks = [];
      req.on('data', (chunk) => chunks.push(chunk));
      req.on('end', () => { res.end('ok'); deliver(JSON.parse(Buffer.concat(chunks).toString())); });
      return;
    }
    if (url.pathname === '/') return res.writeHead(200, { 'content-type': 'text/html' }).end(page);
    if (url.pathname === '/paths') return res.writeHead(200, { 'content-type': types['.json'] }).end(JSON.stringify(Object.keys(verdicts)));
    const [, area, ...rest] = url.pathname.split('/');
    const base = { package: packageDir, repo: root }[area];
    const file = base && normalizePath(join(base, decodeURIComponent(rest.join('/'))));
    if (!file || !file.startsWith(base)) return res.writeHead(404).end();
    try {
      const body = readFileSync(file);
      res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, results })));
}

/** The browsers, each started on a fresh profile with the page's URL. */
const BROWSERS = {
  // Flags as this machine needs them: no sandbox as root, and no background traffic to hosts
  // the closed network refuses.
  Chromium: {
    agent: /Chrome/,
    start: (profile, url) => spawn(chromium, [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      `--user-data-dir=${profile}`, url,
    ], { stdio: ['ignore', 'ignore', 'pipe'], detached: true }),
  },
  // Debian's firefox-esr: its own profile, with the updates, telemetry and first-run pages
  // that would reach for the network turned off.
  Firefox: {
    agent: /Firefox/,
    start: (profile, url) => {
      writeFileSync(join(profile, 'user.js'), [
        'user_pref("app.update.enabled", false);',
        'user_pref("browser.shell.checkDefaultBrowser", false);',
        'user_pref("datareporting.policy.dataSubmissionEnabled", false);',
        'user_pref("toolkit.telemetry.reportingpolicy.firstRun", false);',
        'user_pref("browser.startup.homepage_override.mstone", "ignore");',
        'user_pref("network.captive-portal-service.enabled", false);',
        'user_pref("extensions.update.enabled", false);',
      ].join('\n'));
      return spawn(firefox, ['--headless', '--no-remote', '--profile', profile, url], {
        stdio: ['ignore', 'ignore', 'pipe'],
        detached: true,
        env: { ...process.env, MOZ_HEADLESS: '1' },
      });
    },
  },
};

for (const [name, browserKind] of Object.entries(BROWSERS)) {
  test(`headless ${name} loads the web build and gets every recorded verdict`, async () => {
    const { server, results } = await serve();
    const profile = mkdtempSync(join(tmpdir(), `hookguard-${name.toLowerCase()}-`));
    // Its own process group, so that the kill below reaches the browser's helper processes too:
    // killed alone, the main process leaves them writing into the profile being removed.
    const browser = browserKind.start(profile, `http://127.0.0.1:${server.address().port}/`);
    let log = '';
    browser.stderr.on('data', (data) => { log += data; });
    const exited = new Promise((resolve) => browser.on('exit', resolve));
    const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error(`no results within 60 s:\n${log.slice(-2000)}`)), 60_000).unref());
    try {
      const posted = await Promise.race([results, timeout, exited.then((code) => { throw new Error(`${name} exited ${code}:\n${log.slice(-2000)}`); })]);
      assert.equal(posted.error, undefined, posted.error);
      assert.match(posted.userAgent, browserKind.agent);
      for (const [path, recorded] of Object.entries(verdicts)) {
        const result = posted.results[path];
        assert.equal(result.valid, recorded.valid, path);
        assert.equal(result.eventName, recorded.event_name, path);
        assert.deepEqual(result.errors, recorded.errors, path);
        assert.deepEqual(result.warnings, recorded.warnings, path);
        assert.deepEqual(result.omitted, recorded.omitted, path);
        if (recorded.normalized) assert.equal(result.normalizedJson, JSON.stringify(recorded.normalized), path);
        const expected = answers.bodies[path];
        assert.equal(posted.answers[path].status, expected?.status ?? 200, path);
        assert.equal(posted.answers[path].problem, expected?.problem, path);
      }
      assert.equal(posted.oversized, answers.requests.too_large.problem);
      for (const vector of vectors.cases) assert.equal(posted.verdicts[vector.name], vector.expected.code, vector.name);
    } finally {
      try {
        process.kill(-browser.pid, 'SIGKILL');
      } catch {
        // The group is already gone.
      }
      await exited;
      server.close();
      // A helper may still be exiting for a moment after the kill.
      rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
    }
  });
}
