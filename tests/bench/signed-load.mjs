// A load of signed deliveries for the benchmarks of the delivery memory: every request a new
// Webhook-Request-Id (signed beforehand, so signing costs the load nothing), sent by
// `concurrency` keep-alive connections for `seconds`; latency measured per request.
import { createHmac } from 'node:crypto';
import { Agent, request } from 'node:http';

/** `count` signed requests of `body`, ids `{label}-{n}`, stamped `timestamp`. */
export function signedRequests({ body, secret, label, count, timestamp = Math.floor(Date.now() / 1000) }) {
  return Array.from({ length: count }, (_, index) => {
    const id = `${label}-${index}`;
    return {
      'content-type': 'application/json',
      'content-length': String(body.length),
      'webhook-signature': createHmac('sha256', secret).update(`${timestamp}.${id}.`).update(body).digest('hex'),
      'webhook-timestamp': String(timestamp),
      'webhook-request-id': id,
    };
  });
}

/**
 * Sends `requests` (header sets) with `body` to 127.0.0.1:`port``path` over `concurrency`
 * connections until `seconds` pass or the requests run out. Returns requests/s, p50 and p99 in
 * milliseconds, and the statuses seen.
 */
export async function run({ port, path, body, requests, concurrency, seconds }) {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies = [];
  const statuses = {};
  let next = 0;
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  const one = (headers) => new Promise((resolve, reject) => {
    const began = performance.now();
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', headers, agent }, (res) => {
      res.resume();
      res.on('end', () => {
        latencies.push(performance.now() - began);
        statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
        resolve();
      });
    });
    req.on('error', reject);
    req.end(body);
  });
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < requests.length && performance.now() < deadline) await one(requests[next++]);
  }));
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (share) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * share))];
  return { perSecond: latencies.length / elapsed, p50: at(0.5), p99: at(0.99), statuses };
}
