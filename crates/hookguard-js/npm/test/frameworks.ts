// Compiled by `tsc` in the tests (never run): the adapters' declarations against the frameworks'
// own types (Hono, Fastify), with Node's types as a Fastify app has them.
import { Gate } from 'hookguard';
import type { Delivery } from 'hookguard/fetch';
import { hookguard } from 'hookguard/hono';
import { hookguardFastify } from 'hookguard/fastify';
import { Hono } from 'hono';
import Fastify from 'fastify';

const fetchGate = new Gate({ normalize: true });

const honoApp = new Hono<{ Variables: { hookguard: Delivery } }>();
honoApp.post('/webhooks/ocrolus', hookguard(fetchGate), (c) => c.json({ eventName: c.get('hookguard').eventName }));
const fastifyApp = Fastify();
fastifyApp.register(hookguardFastify, { gate: fetchGate });
// @ts-expect-error the plugin needs a gate
fastifyApp.register(hookguardFastify, {});

// Express and Node's own server: the package's middleware and receiver (`hookguard/express`,
// `hookguard/node`) against Express's and Node's types.
import express from 'express';
import { createServer } from 'node:http';
import { hookguard as expressHookguard } from 'hookguard/express';
import { createReceiver, type Delivery as NodeDelivery } from 'hookguard/node';

const expressApp = express();
const checked = expressHookguard({ config: { signature: { secrets: ['whsec_x'] }, quarantine: { directory: '/var/lib/hookguard' } } });
expressApp.post('/webhooks/ocrolus', checked, (req, res) => {
  const delivery = (req as typeof req & { hookguard: NodeDelivery }).hookguard;
  res.status(204).send(delivery.eventName ?? '');
});
void checked.gate.readLimit;
const nodeServer = createServer(createReceiver({
  onEvent: async (event, delivery) => {
    const name: string | null | undefined = delivery.eventName;
    void event;
    void name;
  },
}));
void nodeServer;
// @ts-expect-error the receiver's handler is a function
createReceiver({ onEvent: 'not a function' });
