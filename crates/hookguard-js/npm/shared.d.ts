import type { Admission, Answer, Body, Claim, Gate, HeadersLike, PendingClaim, QuarantineEntry } from './index.js';
import type { QuarantineStats, QuarantineStore } from './quarantine.js';

export type { Claim, PendingClaim };

/** Where request ids are kept for a fleet: claim atomically, settle by token. */
export interface DeliveryMemory {
  claim(pending: PendingClaim): Promise<Claim>;
  settle(settlement: PendingClaim & { token: number; outcome: 'delivered' | 'failed' }): Promise<void>;
}

/** Request ids in Redis, through a connected node-redis client (`createClient()` from `redis`). */
export class RedisMemory implements DeliveryMemory {
  constructor(client: { sendCommand(args: string[]): Promise<unknown> }, options?: { prefix?: string });
  claim(pending: PendingClaim): Promise<Claim>;
  settle(settlement: PendingClaim & { token: number; outcome: 'delivered' | 'failed' }): Promise<void>;
}

/**
 * A fleet's quarantine in Redis, through a connected node-redis client: the same keys and
 * script as the gateway's, read by `hookguard quarantine list|replay redis://...`.
 */
export class RedisQuarantine implements QuarantineStore {
  constructor(client: { sendCommand(args: Array<string | Uint8Array>): Promise<unknown> }, options?: { prefix?: string; timeoutMs?: number });
  keep(entry: QuarantineEntry, body: Uint8Array, now: number | undefined, gate: Pick<Gate, 'quarantineKeepCommand'>): Promise<{ kept: boolean; evicted: number }>;
  readonly stats: QuarantineStats;
}

export interface SharedGateOptions {
  /** When the store cannot be reached: 'refuse' (503 store_unavailable, the default) or 'process' (this process's memory). */
  onStoreError?: 'refuse' | 'process';
  /** How long a store call may take. Default 1000. */
  timeoutMs?: number;
  /** Where store failures are logged (never with a request id or payload). Default console. */
  log?: { error?(line: string): void };
}

/** A {@link Gate} whose request ids are claimed in a memory shared by every replica. */
export class SharedGate {
  constructor(gate: Gate, memory: DeliveryMemory, options?: SharedGateOptions);
  readonly maxBytes: number;
  readonly readLimit: number;
  /** The gate's quarantine, as {@link Gate.quarantine}. */
  readonly quarantine: Gate['quarantine'];
  quarantineEvictions: Gate['quarantineEvictions'];
  quarantineFailureLine: Gate['quarantineFailureLine'];
  quarantineKeepCommand: Gate['quarantineKeepCommand'];
  /** Store calls that failed or timed out; deliveries refused for it; claimed in the process instead. */
  readonly stats: { storeErrors: number; refused: number; inProcess: number };
  screen(method: string, contentType?: string, contentLength?: number): Answer | undefined;
  admit(headers: HeadersLike, body: Body, now?: number): Promise<Admission>;
  settle(admission: Admission, outcome: 'delivered' | 'failed' | number, now?: number): Promise<void>;
  outcomeOf(status: number): 'delivered' | 'failed';
  handlerFailed(): Answer;
  notChecked(): Answer;
}
