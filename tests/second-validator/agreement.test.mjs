// An independent JSON Schema validator (ajv, 2020-12 dialect, formats checked) reads the
// checked-in schemas and must reach hookguard's verdict on every fixture it can parse.
//
// Intake fixtures are left out on purpose: they are bodies JSON.parse accepts or mangles
// (duplicate keys, lone surrogates, huge numbers) that hookguard refuses before any schema
// runs. Agreement is on the schema verdict, which both validators compute from the same files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

const root = fileURLToPath(new URL('../..', import.meta.url));
const readJson = (path) => JSON.parse(readFileSync(join(root, path), 'utf8'));
const verdicts = readJson('tests/expected/verdicts.json');

function fixtureFiles(folder) {
  const walk = (dir) => readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
  return walk(join(root, 'tests/fixtures', folder))
    .filter((path) => path.endsWith('.json'))
    .map((path) => relative(root, path).split('\\').join('/'))
    .sort();
}

function newAjv() {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats(ajv);
  return ajv;
}

test('every generated schema is a valid, strict-mode 2020-12 schema', () => {
  const ajv = newAjv();
  const events = readdirSync(join(root, 'schemas/events')).map((name) => `schemas/events/${name}`);
  for (const path of [...events, 'schemas/test-delivery.json', 'schemas/bundle.json']) {
    const schema = readJson(path);
    assert.equal(ajv.validateSchema(schema), true, `${path}: ${ajv.errorsText(ajv.errors)}`);
    // Compiling in strict mode also rejects unknown keywords and formats.
    newAjv().compile(schema);
  }
});

test('ajv reaches hookguard\'s verdict on every parseable fixture', () => {
  const validate = newAjv().compile(readJson('schemas/bundle.json'));
  const fixtures = [...fixtureFiles('seeds'), ...fixtureFiles('schema')];
  assert.ok(fixtures.length > 60, `only ${fixtures.length} fixtures found`);
  const disagreements = [];
  for (const path of fixtures) {
    const expected = verdicts[path];
    assert.ok(expected, `${path} has no recorded verdict`);
    const valid = validate(readJson(path));
    if (valid !== expected.valid) {
      disagreements.push(`${path}: ajv says ${valid}, hookguard says ${expected.valid}`);
    }
  }
  assert.deepEqual(disagreements, []);
});

test('each event schema alone agrees with the bundle on its own fixtures', () => {
  const bundle = newAjv().compile(readJson('schemas/bundle.json'));
  for (const path of fixtureFiles('seeds')) {
    const payload = readJson(path);
    if (!payload.event_name) continue;
    const single = newAjv().compile(readJson(`schemas/events/${payload.event_name}.json`));
    assert.equal(single(payload), bundle(payload), path);
  }
});
