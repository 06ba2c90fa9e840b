// hookguard as a Fastify plugin (`hookguard/fastify`, Node).
import type { Gate } from './index.js';
import type { SharedGate } from './shared.js';
import type { Delivery } from './fetch.js';
import type { QuarantineStore } from './quarantine.js';

export type { Delivery } from './fetch.js';

export interface HookguardFastifyOptions {
  gate: Gate | SharedGate;
  /** The clock in Unix seconds (for tests). */
  now?: () => number;
  /** Where refused deliveries are kept when the Gate has a `quarantine` option (required then). */
  quarantine?: QuarantineStore;
}

/**
 * Register in the context of your webhook routes: refusals get the Gate's answer; a valid
 * delivery is `request.hookguard` and your route runs; the delivery is settled `delivered` when
 * the route answers 2xx, `failed` otherwise. (Typed structurally: Fastify's own types accept it
 * as a plugin taking these options.)
 */
export function hookguardFastify(fastify: unknown, options: HookguardFastifyOptions): Promise<void>;
export default hookguardFastify;
