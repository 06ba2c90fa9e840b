// A delivery as Ocrolus signs it (`Webhook-Signature`: HMAC-SHA256 of `timestamp.requestId.body`
// under the secret), as a Fetch `Request`: for the tests of the Fetch-API receivers.
import { createHmac } from 'node:crypto';

export function signedRequest(body, requestId, timestamp, secret) {
  const signature = createHmac('sha256', secret).update(`${timestamp}.${requestId}.`).update(body).digest('hex');
  return new Request('http://127.0.0.1/hooks', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'webhook-signature': signature,
      'webhook-timestamp': String(timestamp),
      'webhook-request-id': requestId,
    },
    body,
  });
}
