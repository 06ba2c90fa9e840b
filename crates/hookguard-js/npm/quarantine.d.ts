import type { Gate, QuarantineEntry, HeldEntry } from './index.js';

/**
 * A store refused deliveries are kept in: what `fetchHandler`, Hono, Fastify and the Node
 * receiver take as `quarantine`. `gate` is the Gate that admitted the delivery.
 */
export interface QuarantineStore {
  keep(entry: QuarantineEntry, body: Uint8Array, now: number | undefined, gate: Gate): Promise<{ kept: boolean; evicted: number }>;
  /** When present, the receivers count here: entries kept, retries found kept, entries evicted, keeps that failed. */
  stats?: QuarantineStats;
}

export interface QuarantineStats {
  kept: number;
  alreadyKept: number;
  evicted: number;
  unavailable: number;
}

/**
 * The quarantine's single-process store (Node, Deno, Bun): a directory, one HTTP capture per
 * entry, as `hookguard validate`, `survey` and `quarantine replay` read them. Created when
 * missing and proven writable at once.
 */
export class DirectoryQuarantine implements QuarantineStore {
  constructor(gate: Pick<Gate, 'quarantine' | 'quarantineEvictions'>, directory?: string);
  readonly directory: string;
  readonly stats: QuarantineStats;
  keep(entry: QuarantineEntry, body: Uint8Array, now?: number): Promise<{ kept: boolean; evicted: number }>;
  /** The entries held. */
  held(): Promise<HeldEntry[]>;
}
