// hookguard for Node's own HTTP server (`hookguard/node`) and Express-style middleware.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Answer, Gate, GateConfig } from './index.js';
import type { Delivery } from './fetch.js';
import type { QuarantineStore } from './quarantine.js';
import type { DeliveryMemory, SharedGate, SharedGateOptions } from './shared.js';

export type { Delivery } from './fetch.js';

/** What the middleware and the receiver take. */
export interface ReceiverOptions {
  /** hookguard's configuration in JavaScript's spelling (valid deliveries are always normalized). */
  config?: GateConfig;
  /** The clock in Unix seconds (for tests). */
  now?: () => number;
  /** A memory every replica shares (`new RedisMemory(client)` from `hookguard/shared`); default this process's. */
  memory?: DeliveryMemory;
  /** The shared memory's options. */
  store?: SharedGateOptions;
  /** Where refused deliveries are kept when `config.quarantine` is set; default the directory it names. */
  quarantine?: QuarantineStore;
}

/** The middleware, with the Gate it admits through (for the answers a receiver sends itself). */
export interface HookguardMiddleware {
  (req: IncomingMessage & { body?: unknown; hookguard?: Delivery }, res: ServerResponse, next: () => unknown): Promise<unknown>;
  readonly gate: Gate | SharedGate;
}

/**
 * Express-style middleware: answers refused deliveries itself; for a valid one sets
 * `req.hookguard` and calls `next()`. The delivery is settled `delivered` when your route
 * answers 2xx (`settleByResponse: false` leaves settling to the caller), `failed` otherwise.
 */
export function hookguardMiddleware(options?: ReceiverOptions & { settleByResponse?: boolean }): HookguardMiddleware;

/**
 * A request listener for `http.createServer`: deliveries to `path` (default
 * `/webhooks/ocrolus`) are checked; a valid one is handed to `onEvent(event, delivery)` and
 * answered 200 once it resolved, 500 when it throws (the sender retries).
 */
export function createReceiver(
  options?: ReceiverOptions & {
    /** Resolve once handled (200), reject to have it retried (500), or resolve with `{ status }` to answer that status. */
    onEvent?: (event: Delivery['normalized'], delivery: Delivery, req: IncomingMessage) => unknown;
    path?: string;
    log?: { error(line: string): void };
  },
): (req: IncomingMessage, res: ServerResponse) => void;

/** (The answers it sends are the Gate's: see `Answer`.) */
export type { Answer };
