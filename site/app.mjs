// The catalog and the playground: hookguard's web build, instantiated from bytes bundled with
// the page (the Content-Security-Policy allows no request once the page has loaded).
import { initSync, validate, normalize, verify, events, schema, version } from './pkg/hookguard_js.js';
import wasmBase64 from './pkg/module.mjs';

const decoded = atob(wasmBase64);
const bytes = new Uint8Array(decoded.length);
for (let index = 0; index < decoded.length; index += 1) bytes[index] = decoded.charCodeAt(index);
initSync({ module: bytes });

const $ = (selector) => document.querySelector(selector);
/** An element with attributes and children (strings become text, never HTML). */
function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined && value !== null && value !== false) node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) if (child !== undefined && child !== null) node.append(child);
  return node;
}

$('#version').textContent = `(version ${version()}, running in your browser)`;

// ---- Inputs: one body, or a capture of several deliveries -------------------------------------

/**
 * The deliveries in an input: `{ source, body, bytes?, headers }` each. A single body keeps
 * its exact bytes when it came from a file (a byte order mark or invalid UTF-8 must reach the
 * validator as sent); captures are split as text.
 */
function deliveriesFrom(name, text, bytes) {
  const extension = name.includes('.') ? name.split('.').pop().toLowerCase() : '';
  if (extension === 'har') return fromHar(name, text);
  if (extension === 'http' || /^(POST|PUT|PATCH|GET|DELETE) \S+ HTTP\/1\.[01]\r?$/m.test(text.split('\n', 1)[0])) {
    return fromHttp(name, text);
  }
  if (extension === 'ndjson' || extension === 'jsonl') {
    return text.split('\n').map((line, index) => ({ source: `${name}:${index + 1}`, body: line.replace(/\r$/, ''), headers: {} }))
      .filter((delivery) => delivery.body.trim() !== '');
  }
  return [{ source: name, body: text, bytes, headers: {} }];
}

function fromHar(name, text) {
  let har;
  try {
    har = JSON.parse(text);
  } catch (error) {
    return [{ source: name, problem: `not a HAR file: ${error.message}` }];
  }
  const entries = har?.log?.entries ?? [];
  return entries
    .map((entry, index) => ({ entry, index }))
    .filter(({ entry }) => entry?.request?.postData?.text !== undefined)
    .map(({ entry, index }) => ({
      source: `${name} entry ${index + 1} (${entry.request.method} ${entry.request.url})`,
      body: entry.request.postData.text,
      headers: headerObject((entry.request.headers ?? []).map((header) => [header.name, header.value])),
    }));
}

/** Raw HTTP requests, one after another: the body is Content-Length bytes, or runs to the next request. */
function fromHttp(name, text) {
  const requestLine = /^(POST|PUT|PATCH|GET|DELETE) (\S+) HTTP\/1\.[01]\r?$/gm;
  const starts = [...text.matchAll(requestLine)];
  return starts.map((match, index) => {
    const end = index + 1 < starts.length ? starts[index + 1].index : text.length;
    const request = text.slice(match.index, end);
    const lineNumber = text.slice(0, match.index).split('\n').length;
    const split = request.search(/\r?\n\r?\n/);
    const head = split === -1 ? request : request.slice(0, split);
    let body = split === -1 ? '' : request.slice(split).replace(/^\r?\n\r?\n/, '');
    const fields = head.split(/\r?\n/).slice(1).map((line) => {
      const colon = line.indexOf(':');
      return [line.slice(0, colon).trim(), line.slice(colon + 1).trim()];
    });
    const headers = headerObject(fields);
    const length = Number(headers['content-length']?.[0]);
    if (Number.isInteger(length) && length >= 0) {
      body = new TextDecoder().decode(new TextEncoder().encode(body).subarray(0, length));
    } else {
      body = body.replace(/(\r?\n)+$/, '');
    }
    return { source: `${name}:${lineNumber} (${match[1]} ${match[2]})`, body, headers };
  });
}

/** Header fields as Node's `headersDistinct`: lower-case names, every value kept. */
function headerObject(fields) {
  const headers = {};
  for (const [name, value] of fields) (headers[name.toLowerCase()] ??= []).push(value);
  return headers;
}

// ---- Checking and showing --------------------------------------------------------------------

/** The options as chosen; an overlay that is not JSON throws a SyntaxError (shown, not checked). */
function options() {
  const maxDepth = Number($('#max-depth').value);
  const chosen = { strict: $('#strict').checked, ...(Number.isInteger(maxDepth) && maxDepth > 0 ? { maxDepth } : {}) };
  const overlay = $('#overlay').value.trim();
  if (overlay) chosen.overlay = JSON.parse(overlay);
  return chosen;
}

function signatureCheck(delivery) {
  const secret = $('#secret').value;
  if (!secret) return null;
  const headers = { ...delivery.headers };
  for (const [field, name] of [['#signature', 'webhook-signature'], ['#timestamp', 'webhook-timestamp'], ['#request-id', 'webhook-request-id']]) {
    const value = $(field).value.trim();
    if (value) headers[name] = [value];
  }
  const timestamp = Number(headers['webhook-timestamp']?.[0]);
  return verify(headers, delivery.bytes ?? delivery.body, { secrets: [secret], now: Number.isFinite(timestamp) ? timestamp : undefined });
}

/** The body with each finding's place marked (positions are UTF-8 byte offsets). */
function markedBody(text, bytes, findings) {
  const encoded = bytes ?? new TextEncoder().encode(text);
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  const marks = findings
    .filter((finding) => finding.position)
    .map((finding) => {
      const start = decoder.decode(encoded.subarray(0, finding.position.offset)).length;
      const rest = text.slice(start);
      const length = Math.max(1, rest.search(/[,}\]\n]/) === -1 ? rest.length : rest.search(/[,}\]\n]/));
      return { start, end: start + length, finding };
    })
    .sort((a, b) => a.start - b.start);
  const pre = el('pre', { class: 'body' });
  let at = 0;
  for (const mark of marks) {
    if (mark.start < at) continue;
    pre.append(text.slice(at, mark.start));
    pre.append(el('mark', { title: `${mark.finding.code}: ${mark.finding.error}` }, text.slice(mark.start, mark.end)));
    at = mark.end;
  }
  pre.append(text.slice(at));
  return pre;
}

function findingItem(finding, kind) {
  const where = finding.position ? `line ${finding.position.line}, column ${finding.position.column}` : 'the whole body';
  return el('li', {
    'data-kind': kind,
    'data-code': finding.code,
    'data-pointer': finding.instanceLocation,
    'data-line': finding.position?.line,
    'data-column': finding.position?.column,
  }, el('code', {}, finding.code), ` at ${finding.instanceLocation || '(body)'} (${where}): ${finding.error}`);
}

function show(delivery, index, chosen) {
  const section = el('section', { class: 'delivery', 'data-source': delivery.source });
  if (delivery.problem) {
    section.append(el('h3', { class: 'verdict-invalid' }, `${delivery.source}: ${delivery.problem}`));
    return section;
  }
  const result = normalize(delivery.bytes ?? delivery.body, chosen);
  const verdict = result.valid ? 'valid' : 'invalid';
  section.setAttribute('data-verdict', verdict);
  const name = result.delivery === 'test' ? 'Ocrolus test delivery' : (result.eventName ?? 'unknown event');
  const renamed = result.sourceEventName && result.sourceEventName !== result.eventName ? ` (delivered as ${result.sourceEventName})` : '';
  section.append(el('h3', {}, el('span', { class: `verdict-${verdict}` }, verdict), ` ${name}${renamed} · ${delivery.source}`));
  const signature = signatureCheck(delivery);
  if (signature) {
    section.append(el('p', { 'data-signature': signature.authentic ? 'authentic' : signature.code },
      signature.authentic ? `Signature: authentic (request ${signature.requestId}, secret #${signature.secretIndex + 1}).` : `Signature: ${signature.code}: ${signature.error}`));
  }
  const findings = [...result.errors.map((finding) => [finding, 'error']), ...result.warnings.map((finding) => [finding, 'warning'])];
  if (findings.length) {
    section.append(el('ul', { class: 'findings' }, findings.map(([finding, kind]) => findingItem(finding, kind))));
    if (result.omitted) section.append(el('p', {}, `${result.omitted.errors} more errors and ${result.omitted.warnings} more warnings not listed.`));
  }
  section.append(markedBody(delivery.body, delivery.bytes, [...result.errors, ...result.warnings]));
  if (result.normalizedJson) {
    const copy = el('button', { type: 'button', class: 'secondary', id: `copy-${index}` }, 'Copy normalized');
    copy.addEventListener('click', () => navigator.clipboard?.writeText(result.normalizedJson));
    section.append(el('div', { class: 'row' }, el('strong', {}, 'Normalized'), copy), el('pre', { class: 'normalized' }, result.normalizedJson));
  }
  return section;
}

function check(name, text, bytes) {
  const results = $('#results');
  results.replaceChildren();
  const deliveries = deliveriesFrom(name, text, bytes);
  if (!deliveries.length) results.append(el('p', {}, 'No delivery found in this input.'));
  try {
    // Options are checked once, before any delivery: a refused overlay names its entry.
    const chosen = options();
    normalize('{}', chosen);
    deliveries.forEach((delivery, index) => results.append(show(delivery, index, chosen)));
  } catch (error) {
    results.append(el('p', { class: 'verdict-invalid', 'data-options-error': error.name }, `Options not accepted: ${error.message}`));
  }
  results.setAttribute('data-count', String(deliveries.length));
}

let loaded = { name: 'pasted body', shown: null, text: '', bytes: undefined };
$('#check').addEventListener('submit', (event) => {
  event.preventDefault();
  const text = $('#body').value;
  // The file as opened, while the text box still shows it unchanged; what was typed otherwise.
  if (loaded.shown === text) check(loaded.name, loaded.text, loaded.bytes);
  else check('pasted body', text);
});
async function open(file) {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
  $('#body').value = text;
  // The text box normalizes line ends: remember what it shows, to know it is still this file.
  loaded = { name: file.name, shown: $('#body').value, text, bytes };
  check(file.name, text, bytes);
}
$('#file').addEventListener('change', () => { if ($('#file').files[0]) open($('#file').files[0]); });
const area = $('#body');
area.addEventListener('dragover', (event) => { event.preventDefault(); area.classList.add('dragging'); });
area.addEventListener('dragleave', () => area.classList.remove('dragging'));
area.addEventListener('drop', (event) => {
  event.preventDefault();
  area.classList.remove('dragging');
  if (event.dataTransfer.files[0]) open(event.dataTransfer.files[0]);
});

// ---- Catalog ---------------------------------------------------------------------------------

function typeOf(property) {
  if (property.type) return [property.type].flat().join(' | ');
  if (property.const !== undefined) return `const ${JSON.stringify(property.const)}`;
  if (property.enum) return property.enum.map((value) => JSON.stringify(value)).join(' | ');
  if (property.anyOf || property.oneOf) return (property.anyOf ?? property.oneOf).map(typeOf).join(' | ');
  if (property.$ref) return property.$ref.split('/').pop();
  return 'any';
}

function fieldTable(eventSchema) {
  const required = new Set(eventSchema.required ?? []);
  const rows = Object.entries(eventSchema.properties ?? {}).map(([field, property]) => {
    const types = typeOf(property);
    const values = property.enum ? ` (${property.enum.map((value) => JSON.stringify(value)).join(', ')})` : '';
    return el('tr', {},
      el('td', {}, el('code', {}, field)),
      el('td', {}, types.replace(/ \| null$/, '') + values),
      el('td', {}, required.has(field) ? 'yes' : ''),
      el('td', {}, /null/.test(types) ? 'yes' : ''),
      el('td', {}, property.format ?? ''),
      el('td', {}, property.description ?? ''));
  });
  return el('div', { class: 'table-wrap' }, el('table', {},
    el('thead', {}, el('tr', {}, ['field', 'type', 'required', 'nullable', 'format', 'description'].map((heading) => el('th', { scope: 'col' }, heading)))),
    el('tbody', {}, rows)));
}

const catalog = events();
const list = $('#events');
for (const event of catalog) {
  const eventSchema = schema(event.name) ?? {};
  const mapping = event.canonicalNames.length === 1 && event.canonicalNames[0] === event.name
    ? 'organization-level name'
    : `normalizes to ${event.canonicalNames.join(' or ')}`;
  const example = (eventSchema.examples ?? [])[0];
  const details = el('details', { 'data-event': event.name, 'data-search': [event.name, ...event.canonicalNames, event.summary].join(' ').toLowerCase() },
    el('summary', {}, el('code', {}, event.name), ` · ${event.summary}`),
    el('p', {}, `Listed by Ocrolus: ${event.listings.join(', ')}; ${mapping}.`, event.payloadDocumented ? '' : ' Ocrolus documents no payload for it: only the common fields are checked.'),
    fieldTable(eventSchema),
    example ? el('div', {}, el('strong', {}, "Ocrolus' example"), el('pre', {}, JSON.stringify(example, null, 2))) : '');
  list.append(details);
}
const count = () => {
  const shown = [...list.children].filter((node) => !node.hidden).length;
  $('#catalog-count').textContent = `${shown} of ${catalog.length} event names`;
};
$('#search').addEventListener('input', () => {
  const query = $('#search').value.trim().toLowerCase();
  for (const node of list.children) node.hidden = query !== '' && !node.dataset.search.includes(query);
  count();
});
count();
document.body.setAttribute('data-ready', 'true');
