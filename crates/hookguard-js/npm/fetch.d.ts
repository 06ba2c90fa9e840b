// hookguard for Fetch-API servers (`hookguard/fetch`).
import type { Admission, Answer, Gate, ValidEvent, ValidTestDelivery } from './index.js';
import type { SharedGate } from './shared.js';
import type { QuarantineStore } from './quarantine.js';

/** The validation result of an admitted delivery, with what the Gate found of its signature. */
export type Delivery = (ValidEvent | ValidTestDelivery) & {
  signature?: Admission['signature'];
  requestId?: string;
};

/** Your handler: `event` is the normalized payload (when the Gate normalizes). */
export type DeliveryHandler = (
  event: Delivery['normalized'],
  delivery: Delivery,
  request: Request,
) => Response | void | Promise<Response | void>;

export interface FetchHandlerOptions {
  /** The clock in Unix seconds (for tests). Default: the real one. */
  now?: () => number;
  /** Where a handler's failure is logged (event name and error message, never the payload). Default console. */
  log?: { error(line: string): void };
  /**
   * Where refused deliveries are kept when the Gate has a `quarantine` option (required then):
   * `new DirectoryQuarantine(gate)` from `hookguard/quarantine`, or a store of your own.
   */
  quarantine?: QuarantineStore;
}

/**
 * A Fetch-API handler: refusals get the Gate's answer; a valid delivery goes to `onDelivery`,
 * whose response (or 200 when it resolves with nothing) is sent, and which settles the delivery:
 * `delivered` for a 2xx, `failed` for anything else or a throw (answered 500).
 */
export function fetchHandler(
  gate: Gate | SharedGate,
  onDelivery: DeliveryHandler,
  options?: FetchHandlerOptions,
): (request: Request) => Promise<Response>;

/** Reads at most `limit + 1` bytes of a request's body from its stream (`limit`: a Gate's `maxBytes`). */
export function readBody(request: Request, limit: number): Promise<Uint8Array>;

/** A Gate answer (a refusal, or a copy acknowledged) as a `Response`, its bytes as they are. */
export function answerResponse(answer: Answer): Response;

/** Screens and admits a request: a `response` to send, or the admission and its delivery. */
export function admitRequest(
  gate: Gate | SharedGate,
  request: Request,
  now?: () => number,
  quarantine?: QuarantineStore,
  log?: { error(line: string): void },
): Promise<{ response: Response; admission?: undefined; delivery?: undefined } | { response?: undefined; admission: Admission; delivery: Delivery }>;

/**
 * Settles an admitted delivery: `'delivered'`, `'failed'`, or the status your service answered.
 * A SharedGate counts and logs a store failure instead of throwing; anything thrown is a mistake
 * in the calling code and is not hidden.
 */
export function settleDelivery(gate: Gate | SharedGate, admission: Admission, outcome: 'delivered' | 'failed' | number, now?: () => number): Promise<void>;

/** Checks a receiver's quarantine store against its Gate (a Gate with a quarantine needs one). */
export function quarantineStore(gate: Gate | SharedGate, quarantine: QuarantineStore | undefined, who: string): QuarantineStore | undefined;

/** The answer to a refused admission: kept in the quarantine when the Gate names it, else its own. */
export function keepRefused(
  gate: Gate | SharedGate,
  admission: Admission,
  body: Uint8Array,
  store: QuarantineStore | undefined,
  options?: { now?: () => number; log?: { error(line: string): void } },
): Promise<Answer>;

/** @deprecated The former name of {@link settleDelivery}. */
export const settleQuietly: typeof settleDelivery;
