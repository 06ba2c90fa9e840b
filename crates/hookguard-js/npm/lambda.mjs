// `hookguard/lambda`: hookguard as an AWS Lambda handler, behind API Gateway (REST APIs, payload
// format 1.0; HTTP APIs, 2.0) or a function URL (2.0). The event is turned into a fetch
// `Request` and handed to the package's Fetch handler (`hookguard/fetch`): the same answers, the
// same delivery contract, the same options (`now`, `log`, `quarantine`); the `Response` is
// turned back into the result the event's format wants. Nothing is decided here.
//
//   export const handler = lambdaHandler(new Gate(config), async (event, delivery) => { ... });
//
// A fleet of Lambda instances shares a memory only through a store: give a `SharedGate` (from
// `hookguard/shared`, with a Redis client the function reaches) instead of a `Gate`.
import { fetchHandler } from './fetch.mjs';

/** The media types whose bodies a Lambda result carries as text; anything else goes base64. */
const TEXT = /^(application\/(?:[\w.+-]*\+)?json|text\/)/i;

/** A Lambda HTTP event as a fetch Request: method, every header field as sent, the body's bytes. */
export function requestOfEvent(event) {
  if (event === null || typeof event !== 'object') throw new TypeError('the event must be an API Gateway or function URL event');
  const v2 = event.version === '2.0';
  const method = (v2 ? event.requestContext?.http?.method : event.httpMethod) ?? 'GET';
  const headers = new Headers();
  if (!v2 && event.multiValueHeaders) {
    // Repeats stay repeats (a repeated signature header must reach the Gate to be refused).
    for (const [name, values] of Object.entries(event.multiValueHeaders)) for (const value of values ?? []) headers.append(name, value);
  } else {
    for (const [name, value] of Object.entries(event.headers ?? {})) if (value !== null && value !== undefined) headers.append(name, value);
  }
  const path = (v2 ? event.rawPath : event.path) ?? '/';
  const bodyless = method === 'GET' || method === 'HEAD' || event.body === null || event.body === undefined;
  const body = bodyless ? undefined : Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
  return new Request(new URL(path, 'https://lambda.invalid'), { method, headers, body });
}

/** A fetch Response as the result API Gateway and function URLs read: text bodies as text. */
export async function resultOfResponse(response) {
  const bytes = Buffer.from(await response.arrayBuffer());
  const text = TEXT.test(response.headers.get('content-type') ?? '') || bytes.length === 0;
  return {
    statusCode: response.status,
    headers: Object.fromEntries(response.headers),
    body: text ? bytes.toString('utf8') : bytes.toString('base64'),
    isBase64Encoded: !text,
  };
}

/**
 * A Lambda handler, `(event, context) => Promise<result>`: the Fetch handler's work on the
 * event's request. `onDelivery(event, delivery, request)` as for `fetchHandler`; options too.
 */
export function lambdaHandler(gate, onDelivery, options = {}) {
  const handle = fetchHandler(gate, onDelivery, options);
  return async (event) => resultOfResponse(await handle(requestOfEvent(event)));
}
