// The hostile corpus (tests/fixtures/hostile) through the gateway filter in a real Envoy: every
// case gets the verdict the core, the CLI and the npm package give it (refused bodies as
// problem+json with the same findings, 413 for the size limit), valid ones reach the upstream
// byte-exact and exactly once, refused ones never; no answer quotes the payload, no VM fails.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { envoyConfig, send, startEnvoy, startUpstream } from './harness.mjs';
import { assertPrivate, hostileCases, located } from '../../../tests/fixtures/hostile/hostile.mjs';

let upstream;
let envoy;

before(async () => {
  upstream = await startUpstream();
  // The default settings, as the corpus's verdicts assume (1 MiB, depth 32, not strict).
  envoy = await startEnvoy(envoyConfig({ upstreamPort: upstream.port, listeners: { hooks: {} } }));
});

after(async () => {
  await envoy?.stop();
  await upstream?.stop();
});

test('every hostile case gets its expected verdict through Envoy', async () => {
  const cases = hostileCases();
  for (const [index, hostile] of cases.entries()) {
    const id = `hostile-${index}`;
    const response = await send(envoy.ports.hooks, {
      headers: { 'content-type': 'application/json', 'x-test-id': id },
      body: hostile.body,
    });
    const reached = upstream.received.filter((request) => request.headers['x-test-id'] === id);
    const { name, expected } = hostile;
    if (expected.valid) {
      assert.equal(response.status, 200, `${name}: ${response.body}`);
      assert.equal(reached.length, 1, `${name} reached the upstream ${reached.length} times`);
      assert.ok(reached[0].body.equals(hostile.body), `${name} changed on the way`);
      assert.equal(reached[0].headers['x-hookguard-event'], expected.event_name, name);
    } else {
      const tooLarge = expected.errors[0].code === 'body_too_large';
      assert.equal(response.status, tooLarge ? 413 : 400, `${name}: ${response.body}`);
      assert.equal(reached.length, 0, `${name} reached the upstream`);
      assert.equal(response.headers['content-type'], 'application/problem+json', name);
      const problem = JSON.parse(response.body.toString());
      assert.deepEqual(located(problem.errors), expected.errors, name);
      assert.equal(problem.errorsOmitted, expected.omitted?.errors, name);
      assertPrivate(hostile, response.body.toString());
    }
  }
  const stats = await envoy.stats();
  assert.equal(stats.get('http.hooks.downstream_rq_5xx'), 0);
  assert.doesNotMatch(envoy.log(), /panicked|wasm trap|Function: proxy_on_\w+ failed|VM failed/i);
  for (const hostile of cases) assertPrivate(hostile, envoy.log());
});
