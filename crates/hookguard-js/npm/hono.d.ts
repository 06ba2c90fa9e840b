// hookguard as Hono middleware (`hookguard/hono`).
import type { Gate } from './index.js';
import type { SharedGate } from './shared.js';
import type { Delivery } from './fetch.js';
import type { QuarantineStore } from './quarantine.js';

export type { Delivery } from './fetch.js';

/** What the middleware uses of Hono's context (declare `Variables: { hookguard: Delivery }` on your app). */
export interface HookguardContext {
  req: { raw: Request };
  set(key: 'hookguard', value: Delivery): void;
  res: Response;
  error?: Error | undefined;
}

/**
 * Middleware: refusals get the Gate's answer; a valid delivery is `c.get('hookguard')` and your
 * route runs; the delivery is settled `delivered` when the route answers 2xx, `failed` otherwise.
 */
export function hookguard(
  gate: Gate | SharedGate,
  options?: { now?: () => number; quarantine?: QuarantineStore; log?: { error(line: string): void } },
): (c: HookguardContext, next: () => Promise<void>) => Promise<Response | void>;
