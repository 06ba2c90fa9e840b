// schemas/openapi.json read by tools independent of hookguard: openapi-spec-validator checks the
// document itself (`scripts/openapi-lint`); here ajv (2020-12, strict) resolves every request
// body's reference to a published schema and checks every example in the document against the
// schema it illustrates: Ocrolus' examples against their event's schema, the problem documents
// against the Problem schema.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

const root = fileURLToPath(new URL('../..', import.meta.url));
const readJson = (path) => JSON.parse(readFileSync(join(root, path), 'utf8'));
const openapi = readJson('schemas/openapi.json');
const catalog = readJson('schemas/catalog.json');

function newAjv() {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats(ajv);
  return ajv;
}

test('every delivered name has a webhook whose body references its published schema', () => {
  const names = Object.keys(openapi.webhooks);
  assert.deepEqual(names.sort(), [...catalog.events.map((event) => event.name), 'test-delivery'].sort());
  for (const [name, item] of Object.entries(openapi.webhooks)) {
    const reference = item.post.requestBody.content['application/json'].schema.$ref;
    assert.ok(existsSync(join(root, 'schemas', reference)), `${name}: ${reference}`);
  }
});

test('every example validates against the schema it illustrates', () => {
  let checked = 0;
  for (const [name, item] of Object.entries(openapi.webhooks)) {
    const media = item.post.requestBody.content['application/json'];
    const validate = newAjv().compile(readJson(join('schemas', media.schema.$ref)));
    for (const [key, example] of Object.entries(media.examples ?? {})) {
      assert.ok(validate(example.value), `${name} ${key}: ${JSON.stringify(validate.errors)}`);
      checked += 1;
    }
  }
  assert.ok(checked >= 30, `${checked} event examples`);
  const problem = newAjv().compile(openapi.components.schemas.Problem);
  for (const [name, response] of Object.entries(openapi.components.responses)) {
    const { example } = response.content['application/problem+json'];
    assert.ok(problem(example), `${name}: ${JSON.stringify(problem.errors)}`);
    assert.equal(example.status, Number(Object.entries(openapi.webhooks['book.verified'].post.responses)
      .find(([, value]) => value.$ref === `#/components/responses/${name}`)[0]), name);
  }
});
