// The built site in a real browser: Debian's headless Chromium, driven by puppeteer-core (which
// downloads no browser), loads target/site from a static server on 127.0.0.1. Every recorded
// fixture is opened in the playground as a file and must show the verdict and the finding
// locations in tests/expected/verdicts.json; the catalog lists every event; no request leaves
// the page after it loaded. Screenshots go to target/site-screenshots/ for review.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize as normalizePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';

const root = fileURLToPath(new URL('../../', import.meta.url));
const site = join(root, process.env.HOOKGUARD_SITE ?? 'target/site');
const screenshots = join(root, 'target/site-screenshots');
const verdicts = JSON.parse(readFileSync(join(root, 'tests/expected/verdicts.json'), 'utf8'));
const catalog = JSON.parse(readFileSync(join(root, 'schemas/catalog.json'), 'utf8'));
const types = { '.html': 'text/html', '.mjs': 'text/javascript', '.js': 'text/javascript', '.css': 'text/css' };

let server;
let browser;
let page;
let origin;
const requests = [];
let loaded = false;

before(async () => {
  server = createServer((req, res) => {
    const path = new URL(req.url, 'http://127.0.0.1').pathname;
    const file = normalizePath(join(site, decodeURIComponent(path === '/' ? '/index.html' : path)));
    if (!file.startsWith(site)) return res.writeHead(404).end();
    try {
      const body = readFileSync(file);
      res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${server.address().port}`;
  browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run'],
  });
  page = await browser.newPage();
  page.on('request', (request) => requests.push({ url: request.url(), afterLoad: loaded }));
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.setViewport({ width: 1100, height: 900 });
  await page.goto(`${origin}/`, { waitUntil: 'load' });
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 }).catch(() => {
    throw new Error(`the page did not start: ${errors.join('; ')}`);
  });
  loaded = true;
  mkdirSync(screenshots, { recursive: true });
});

after(async () => {
  await browser?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve()));
});

/** Opens a file in the playground, as a user choosing it would; returns what the page shows. */
async function openFile(path) {
  const input = await page.$('#file');
  await page.evaluate(() => { document.querySelector('#results').removeAttribute('data-count'); });
  await input.uploadFile(path);
  await page.waitForSelector('#results[data-count]');
  return page.$$eval('#results .delivery', (sections) => sections.map((section) => ({
    verdict: section.dataset.verdict,
    findings: [...section.querySelectorAll('.findings li')].map((item) => ({
      kind: item.dataset.kind,
      code: item.dataset.code,
      pointer: item.dataset.pointer,
      line: item.dataset.line ? Number(item.dataset.line) : undefined,
      column: item.dataset.column ? Number(item.dataset.column) : undefined,
    })),
    marks: section.querySelectorAll('pre.body mark').length,
  })));
}

/** A recorded finding as the page shows it (no line or column for the whole body). */
const shown = (finding, kind) => JSON.parse(JSON.stringify({
  kind,
  code: finding.code,
  pointer: finding.instanceLocation,
  line: finding.position?.line,
  column: finding.position?.column,
}));

test('every recorded fixture, opened in the playground, shows its verdict and its findings where they are', async () => {
  const paths = Object.keys(verdicts);
  assert.ok(paths.length > 100);
  for (const path of paths) {
    const recorded = verdicts[path];
    const [delivery, ...others] = await openFile(join(root, path));
    assert.equal(others.length, 0, path);
    assert.equal(delivery.verdict, recorded.valid ? 'valid' : 'invalid', path);
    const expected = [
      ...recorded.errors.map((finding) => shown(finding, 'error')),
      ...recorded.warnings.map((finding) => shown(finding, 'warning')),
    ];
    assert.deepEqual(delivery.findings, expected, path);
    const located = expected.filter((finding) => finding.line !== undefined).length;
    assert.equal(delivery.marks > 0, located > 0, `${path}: findings are marked in the text`);
  }
});

test('captures split into deliveries: NDJSON, raw HTTP and HAR', async () => {
  const ndjson = await openFile(join(root, 'tests/fixtures/captures/ocrolus-deliveries.ndjson'));
  assert.equal(ndjson.length, 10);
  assert.equal(ndjson.filter((delivery) => delivery.verdict === 'invalid').length, 3);
  const http = await openFile(join(root, 'tests/fixtures/captures/ocrolus-deliveries.http'));
  assert.ok(http.length >= 7, `${http.length} HTTP deliveries`);
  const har = await openFile(join(root, 'tests/fixtures/captures/browser-session.har'));
  assert.ok(har.length >= 1);
});

test('a pasted body with options and a signature check', async () => {
  const vectors = JSON.parse(readFileSync(join(root, 'tests/fixtures/signatures/vectors.json'), 'utf8'));
  const signed = vectors.cases.find((vector) => vector.name === 'signed');
  await page.evaluate((vector, secret) => {
    document.querySelector('#body').value = vector.body;
    document.querySelector('#secret').value = secret;
    document.querySelector('#signature').value = vector.headers['Webhook-Signature'];
    document.querySelector('#timestamp').value = vector.headers['Webhook-Timestamp'];
    document.querySelector('#request-id').value = vector.headers['Webhook-Request-Id'];
  }, signed, vectors.secrets.current);
  await page.click('#run');
  assert.equal(await page.$eval('#results [data-signature]', (node) => node.dataset.signature), 'authentic');
  await page.$eval('#signature', (node) => { node.value = '0'.repeat(64); });
  await page.click('#run');
  assert.equal(await page.$eval('#results [data-signature]', (node) => node.dataset.signature), 'signature_mismatch');
  await page.evaluate(() => { for (const id of ['#secret', '#signature', '#timestamp', '#request-id']) document.querySelector(id).value = ''; });
  // Strict mode turns an unknown field into an error, as in every host.
  await page.$eval('#body', (node) => { node.value = '{"event_name": "book.verified", "status": "BOOK_COMPLETE", "book_pk": 1, "book_uuid": "35ef4501-b93d-4ce2-b766-b670a057c0fb", "extra": 1}'; });
  await page.click('#run');
  assert.equal(await page.$eval('#results .delivery', (node) => node.dataset.verdict), 'valid');
  await page.click('#strict');
  await page.click('#run');
  assert.equal(await page.$eval('#results .delivery', (node) => node.dataset.verdict), 'invalid');
  await page.click('#strict');
});

test('an overlay pasted into the options accepts the drift it names in strict mode; a refused one is shown with its entry', async () => {
  const drift = JSON.parse(readFileSync(join(root, 'tests/expected/drift-verdicts.json'), 'utf8'));
  const lines = readFileSync(join(root, drift.capture), 'utf8').split('\n').filter((line) => line !== '');
  const index = drift.lines.findIndex((line) => !line.without_overlay.valid && line.with_overlay.valid);
  const set = (selector, value) => page.$eval(selector, (node, text) => { node.value = text; }, value);
  await set('#body', lines[index]);
  await page.click('#strict');
  try {
    await page.click('#run');
    assert.equal(await page.$eval('#results .delivery', (node) => node.dataset.verdict), 'invalid');
    await set('#overlay', readFileSync(join(root, drift.overlay), 'utf8'));
    await page.click('#run');
    assert.equal(await page.$eval('#results .delivery', (node) => node.dataset.verdict), 'valid');
    const errors = JSON.parse(readFileSync(join(root, 'tests/expected/overlay-errors.json'), 'utf8'));
    const [fixturePath, expected] = Object.entries(errors).find(([, error]) => error.code === 'changes_type');
    await set('#overlay', readFileSync(join(root, fixturePath), 'utf8'));
    await page.click('#run');
    const shown = await page.$eval('#results [data-options-error]', (node) => node.textContent);
    assert.ok(shown.includes(expected.error), shown);
    await set('#overlay', '{"hookguard_overlay": 1,');
    await page.click('#run');
    assert.equal(await page.$eval('#results [data-options-error]', (node) => node.dataset.optionsError), 'SyntaxError');
  } finally {
    await set('#overlay', '');
    await page.click('#strict');
  }
});

test('the catalog lists every event, with its schema as a table, and the search filters it', async () => {
  const names = await page.$$eval('#events details', (nodes) => nodes.map((node) => node.dataset.event));
  assert.deepEqual(names.sort(), catalog.events.map((event) => event.name).sort());
  const rows = await page.$$eval('#events details[data-event="book.verified"] tbody tr', (nodes) => nodes.length);
  assert.ok(rows >= 4, `${rows} fields of book.verified`);
  await page.type('#search', 'DOC_VERIFIED');
  const visible = await page.$$eval('#events details', (nodes) => nodes.filter((node) => !node.hidden).map((node) => node.dataset.event));
  assert.deepEqual(visible, ['DOC_VERIFIED']);
  await page.$eval('#search', (node) => { node.value = ''; node.dispatchEvent(new Event('input')); });
});

test('nothing leaves the page: no request after load, and the policy forbids one', async () => {
  const blocked = await page.evaluate(() => fetch('/anything').then(() => false, () => true));
  assert.ok(blocked, 'fetch was not blocked by the Content-Security-Policy');
  assert.deepEqual(requests.filter((request) => request.afterLoad).map((request) => request.url), []);
  assert.ok(requests.every((request) => request.url.startsWith(origin)), JSON.stringify(requests));
});

test('screenshots of the catalog and of the playground with an invalid delivery', async () => {
  await page.$eval('#events details[data-event="DOC_VERIFIED"]', (node) => { node.open = true; node.scrollIntoView(); });
  await page.screenshot({ path: join(screenshots, 'catalog.png') });
  await openFile(join(root, 'tests/fixtures/seeds/account/IMAGE_GROUP_VERIFIED.verification-failed.json'));
  await page.$eval('#run', (node) => node.scrollIntoView());
  await page.screenshot({ path: join(screenshots, 'playground.png') });
  await page.setViewport({ width: 390, height: 844 });
  await page.screenshot({ path: join(screenshots, 'playground-narrow.png') });
});
