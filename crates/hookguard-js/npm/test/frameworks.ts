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
