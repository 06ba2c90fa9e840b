// Runs the example receiver on 127.0.0.1: `node server.mjs [port]` (default 3000).
import { createServer } from 'node:http';
import { createReceiver } from 'hookguard/node';

const port = Number(process.argv[2] ?? 3000);
// HOOKGUARD_SECRETS: the Ocrolus webhook secret(s), comma-separated during a rotation. When set,
// unsigned, forged, stale and replayed deliveries are refused before validation.
const secrets = process.env.HOOKGUARD_SECRETS?.split(',').filter(Boolean);
const receiver = createReceiver({
  config: secrets?.length ? { signature: { secrets } } : {},
  onEvent(event, result) {
    // Your handler: `event` is the normalized payload (organization-level event_name, alias
    // fields filled); `result.sourceEventName` is the name as delivered.
    const name = result.delivery === 'test' ? 'test delivery' : result.eventName;
    console.log(`handled ${name} (delivered as ${result.sourceEventName ?? '-'}), ${result.warnings.length} warnings`);
  },
});
createServer(receiver).listen(port, '127.0.0.1', () => {
  const signed = secrets?.length ? `, signatures required (${secrets.length} secret${secrets.length > 1 ? 's' : ''})` : '';
  console.log(`receiving Ocrolus webhooks on http://127.0.0.1:${port}/webhooks/ocrolus${signed}`);
});
