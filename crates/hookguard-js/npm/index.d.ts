// The API of the `hookguard` package. Event payload types are generated from the published
// JSON Schemas into events.d.ts (`scripts/just js-types`); nothing here repeats them.
import type { EventName, EventPayloads, TestDelivery } from './events.js';

export type * from './events.js';

/** Where in the body a finding is: byte offset, 1-based line, 1-based byte column. */
export interface Position {
  offset: number;
  line: number;
  column: number;
}

/** One problem or warning, in JSON Schema's output-format names plus a stable `code`. */
export interface Finding {
  /** Machine-readable kind, e.g. `duplicate_key`, `schema_violation`, `unknown_field`. */
  code: string;
  /** JSON Pointer to the offending value; `""` is the whole body. */
  instanceLocation: string;
  /** JSON Pointer to the failing schema keyword; `""` before schema validation. */
  keywordLocation: string;
  /** What is wrong. Never quotes a payload value unless `revealValues` is set. */
  error: string;
  position?: Position;
}

/** The same options as every hookguard host, in JavaScript's naming. */
export interface Options {
  /** Include `normalized` and `normalizedJson` in the result of a valid delivery. */
  normalize?: boolean;
  /** Unknown fields are errors instead of warnings. Default false. */
  strict?: boolean;
  /** Largest body accepted, in bytes, at most 8 MiB. Default 1 MiB. */
  maxBytes?: number;
  /** Deepest nesting accepted, at most 100. Default 32. */
  maxDepth?: number;
  /**
   * How many errors, and how many warnings, a result lists (the first by location); the rest
   * are counted in `omitted`. At most 10000. Default 20.
   */
  maxFindings?: number;
  /** Let messages quote payload values. Default false: bodies carry customer data. */
  revealValues?: boolean;
  /**
   * What your team accepts beyond the published schemas (fields Ocrolus sends that no page
   * lists, new enum values), as `hookguard survey --emit-overlay` writes it. Checked whole: one
   * that would take anything away throws a TypeError naming the entry. For many deliveries,
   * give it to a {@link Gate} once rather than to every `validate` call.
   */
  overlay?: Overlay;
}

/**
 * A schema overlay: it only adds optional fields with a type, and enum values. Events are named
 * as delivered; field paths are JSON Pointers with `*` for array items. Its keys are data and
 * are not camelCased.
 */
export interface Overlay {
  hookguard_overlay: 1;
  description?: string;
  events?: {
    [eventName: string]: {
      fields?: {
        [path: string]: {
          type: OverlayType | OverlayType[];
          required?: false;
          description?: string;
        };
      };
      enum_values?: { [path: string]: string[] };
    };
  };
}

/** A JSON type, as JSON Schema names it. */
export type OverlayType = 'null' | 'boolean' | 'integer' | 'number' | 'string' | 'array' | 'object';

interface Findings {
  /** The errors, sorted by location: at most `maxFindings`. */
  errors: Finding[];
  /** The warnings, sorted by location: at most `maxFindings`. */
  warnings: Finding[];
  /** How many errors and warnings were found beyond those listed; present only when some were. */
  omitted?: { errors: number; warnings: number };
}

/** A valid delivery of an event: `eventName` is its organization-level name. */
export type ValidEvent = {
  [K in EventName]: Findings & {
    valid: true;
    delivery: 'event';
    eventName: K;
    /** The name as delivered (account-level or legacy names differ from `eventName`). */
    sourceEventName: string;
    /** The normalized payload, when asked for. */
    normalized?: EventPayloads[K];
    /** The normalized payload as text: the exact bytes every hookguard host produces. */
    normalizedJson?: string;
  };
}[EventName];

/** Ocrolus' account-level test delivery (no `event_name`). */
export interface ValidTestDelivery extends Findings {
  valid: true;
  delivery: 'test';
  eventName: null;
  sourceEventName: null;
  normalized?: TestDelivery;
  normalizedJson?: string;
}

/** A delivery that must not be trusted; `errors` says why and where. */
export interface InvalidDelivery extends Findings {
  valid: false;
  delivery: 'event' | 'test' | null;
  eventName: EventName | null;
  sourceEventName: string | null;
}

export type ValidationResult = ValidEvent | ValidTestDelivery | InvalidDelivery;

/** The raw request body. A parsed object is refused: it has lost duplicate keys and precision. */
export type Body = Uint8Array | ArrayBuffer | string;

/**
 * Validates one delivery from its raw body. Invalid deliveries are results, not exceptions;
 * a body or options of the wrong type throws a TypeError, an out-of-range limit a RangeError.
 */
export function validate(body: Body, options?: Options): ValidationResult;

/** Validates one delivery and, when it is valid, includes `normalized` and `normalizedJson`. */
export function normalize(body: Body, options?: Omit<Options, 'normalize'>): ValidationResult;

/**
 * Headers as Node gives them (`req.headers`, or `req.headersDistinct` with every repeat) or a
 * fetch `Headers`. A signature header sent twice, or joined with commas, is refused as
 * `signature_duplicate_header`.
 */
export type HeadersLike =
  | { get(name: string): string | null }
  | Record<string, string | string[] | undefined>;

export interface VerifyOptions {
  /** The webhook secrets a delivery may be signed with (current, and previous during a rotation). */
  secrets: string[];
  /** How far `Webhook-Timestamp` may be from `now`, either way. Default 300. */
  toleranceSeconds?: number;
  /** The clock, in Unix seconds. Default: now. Pass a capture's time to check an old delivery. */
  now?: number;
}

/** Why a delivery is not authentic. */
export type SignatureFailure =
  | 'signature_missing_header'
  | 'signature_duplicate_header'
  | 'signature_malformed_header'
  | 'signature_stale'
  | 'signature_future'
  | 'signature_mismatch';

export type Verification =
  | {
      authentic: true;
      /** `Webhook-Request-Id`: remember it to refuse replays inside the tolerance. */
      requestId: string;
      /** `Webhook-Timestamp`, Unix seconds. */
      timestamp: number;
      /** Which of `secrets` matched: tells when a rotation is over. */
      secretIndex: number;
    }
  | {
      authentic: false;
      code: SignatureFailure;
      /** What failed, in words. Never shows a secret, a signature or the body. */
      error: string;
    };

/**
 * Checks `Webhook-Signature` (hex HMAC-SHA256 over `{timestamp}.{request id}.{raw body}`).
 * Unsigned, tampered, stale or future deliveries are results; misuse throws a TypeError.
 */
export function verify(headers: HeadersLike, body: Body, options: VerifyOptions): Verification;

/** Signature checking for a {@link Gate}: the same settings as every hookguard host. */
export interface SignaturePolicy {
  /** The webhook secrets (current, and previous during a rotation). */
  secrets: string[];
  /** How far `Webhook-Timestamp` may be from the clock, either way. Default 300. */
  toleranceSeconds?: number;
  /** Refuse deliveries without signature headers (401). Default true. */
  required?: boolean;
  /**
   * What to do with an authentic copy of a delivery your service already took (settled
   * `'delivered'`): `'acknowledge'` (200, not handed on, marked `x-hookguard-duplicate`; the
   * default), `'reject'` (409) or `'pass'` (handed on with `signature: 'replayed'`).
   */
  onReplay?: 'acknowledge' | 'reject' | 'pass';
  /**
   * How long an admitted delivery holds its request id until it is settled: copies arriving
   * meanwhile are told to come back (503 with `retry-after`). Only matters when a process
   * dies before settling; make it longer than your handler takes. Default 60.
   */
  inFlightSeconds?: number;
}

/** The configuration of a {@link Gate}: the options every host has, in JavaScript's spelling. */
export interface GateConfig extends Omit<Options, 'normalize'> {
  /** Give valid deliveries' results `normalized` and `normalizedJson`. */
  normalize?: boolean;
  /** Event names accepted (either naming scheme, or `test-delivery`); absent: all. */
  allowedEvents?: string[];
  /** Check signatures; absent: deliveries are not expected to be signed. */
  signature?: SignaturePolicy;
  /** How problem documents are written. */
  problem?: { includeErrors?: boolean; typePrefix?: string };
  /**
   * Keep authentic deliveries refused for their content (drift), to survey and replay once
   * the contract catches up (`hookguard quarantine replay`). Off when absent.
   */
  quarantine?: QuarantinePolicy;
  /** How many request ids this process remembers for replay detection. Default 100000. */
  replaySlots?: number;
}

/** The quarantine: the same settings as every hookguard host. */
export interface QuarantinePolicy {
  /** The single-process store: a directory, one file per entry (`hookguard/quarantine`). */
  directory?: string;
  /** At most this many entries; the oldest make room. Default 10000. */
  maxEntries?: number;
  /** At most this many bytes of entries; the oldest make room. Default 268435456 (256 MiB). */
  maxBytes?: number;
  /** How long an entry is kept, in seconds. Default 604800 (7 days). */
  keepSeconds?: number;
  /** Keep deliveries without a verified signature too (anyone can post those). Default false. */
  unsigned?: boolean;
  /** `'refuse'` (the refusal, naming the entry; the default) or `'accept'` (202, the sender stops retrying). */
  answer?: 'refuse' | 'accept';
  /** When the store fails: `'refuse'` (503 with `retry-after`; the default) or `'process'` (the plain refusal). */
  storeDown?: 'refuse' | 'process';
}

/** A refused delivery the Gate names for the quarantine, and the answers either way. */
export interface QuarantineEntry {
  /** The entry's name: 32 hex digits (one per request id, or per body without one). */
  id: string;
  /** The entry's head (request line and headers, ASCII); the entry is `head` then the body. */
  head: string;
  /** The whole entry's size in bytes. */
  bytes: number;
  /** When it was refused, Unix seconds. */
  firstSeen: number;
  /** The answer once kept (or found kept): the refusal naming the entry, or 202 `quarantined`. */
  kept: Answer;
  /** The answer when the store could not keep it (`storeDown`). */
  unreachable: Answer;
}

/** An entry a quarantine store holds, as {@link Gate.quarantineEvictions} weighs it. */
export interface HeldEntry {
  id: string;
  firstSeen: number;
  bytes: number;
}

/** What to answer: an HTTP status and, for a refusal, the problem document's exact text. */
export interface Answer {
  status: number;
  verdict:
    | 'valid' | 'invalid' | 'event_not_allowed' | 'too_large' | 'unsupported_media_type'
    | 'method_not_allowed' | 'internal_error' | 'unchecked' | 'signature_invalid' | 'replayed'
    | 'duplicate' | 'in_flight' | 'store_unavailable' | 'quarantined' | 'handler_failed';
  /** Whether the delivery may go on to your handler. */
  passes: boolean;
  /**
   * The document to answer with, byte-identical to the gateway filter's: a problem document
   * (`application/problem+json`), or for an acknowledged duplicate (status 200) plain JSON.
   * Absent when it passes.
   */
  problem?: string;
  /**
   * The headers to send with `problem`, exactly these: `content-type`, and `allow` on a 405,
   * `retry-after`, `x-hookguard-duplicate` or `x-hookguard-quarantine`.
   */
  headers?: Record<string, string>;
}

/** A gate's conclusion on one delivery. */
export interface Admission extends Answer {
  /** The validation result, when the body was validated (not after a refused signature). */
  result?: ValidationResult;
  /** The signature's outcome, when signatures are checked and the delivery got past them. */
  signature?: 'verified' | 'unsigned' | 'replayed';
  /** The authenticated `Webhook-Request-Id`. */
  requestId?: string;
  /** Present when this delivery holds the claim on its request id: settle it with {@link Gate.settle}. */
  claimToken?: number;
  /**
   * When it passes: what a handler is given, the validation result with `signature` and
   * `requestId`.
   */
  delivery?: ValidationResult & { signature?: Admission['signature']; requestId?: string };
  /** From {@link Gate.examine}: the request id your memory must claim before {@link Gate.conclude}. */
  pendingClaim?: PendingClaim;
  /** A refused delivery to keep in the quarantine: write it, then answer `kept` (or `unreachable`). */
  quarantine?: QuarantineEntry;
}

/** A claim to ask a memory for; `waiting` identifies the examined admission in its Gate. */
export interface PendingClaim {
  requestId: string;
  inFlightSeconds: number;
  deliveredSeconds: number;
  waiting: number;
}

/** What a memory answers to a claim on a request id. */
export type Claim =
  | { state: 'taken'; token: number }
  | { state: 'in_flight'; lapsesInSeconds: number }
  | { state: 'delivered' };

/**
 * What every hookguard host puts in front of a service: method and content type, size,
 * signature, duplicates, validation and allowed events, concluded in one place with the
 * gateway filter's answers. Request ids are remembered in this process.
 */
export class Gate {
  constructor(config?: GateConfig);
  /** The largest body accepted. */
  readonly maxBytes: number;
  /** How many bytes of a body to read at most: `maxBytes + 1`, enough to know it is too large. */
  readonly readLimit: number;
  /** A refusal from the request line and headers alone, or undefined to read the body. */
  screen(method: string, contentType?: string, contentLength?: number): Answer | undefined;
  /**
   * The conclusion on a delivery's signature headers and raw body; `now` in Unix seconds. An
   * authentic valid delivery claims its request id: copies are told to come back until it is
   * settled.
   */
  admit(headers: HeadersLike, body: Body, now?: number): Admission;
  /**
   * Ends an admission's claim with how your service took the delivery: `'delivered'` once it
   * handled it (copies are acknowledged from then on), `'failed'` when it did not (the
   * sender's retry is checked as a new delivery), or the HTTP status your service answered
   * (2xx delivered). Does nothing for an admission without a claim.
   */
  settle(admission: Admission, outcome: 'delivered' | 'failed' | number, now?: number): void;
  /** The outcome of a delivery your service answered with `status`: 2xx `'delivered'`, else `'failed'`. */
  outcomeOf(status: number): 'delivered' | 'failed';
  /** The answer when your handler failed (500 with a problem document, so the sender retries). */
  handlerFailed(): Answer;
  /**
   * `admit` without asking any memory, for a memory of your own (`hookguard/shared` does this
   * with Redis): an authentic valid delivery comes back with `pendingClaim`, and waits in this
   * Gate for {@link Gate.conclude} or {@link Gate.storeUnreachable}.
   */
  examine(headers: HeadersLike, body: Body, now?: number): Admission;
  /** Finishes an examined admission with your memory's answer (the body is not checked again). */
  conclude(examined: Admission, claim: Claim): Admission;
  /** @deprecated Checks the body again: pass the examined admission instead. */
  conclude(headers: HeadersLike, body: Body, now: number | undefined, claim: Claim): Admission;
  /**
   * Finishes an examined admission whose memory could not be asked: `'refuse'` answers 503
   * `store_unavailable` with `retry-after`; `'process'` claims the id in this Gate's memory.
   */
  storeUnreachable(examined: Admission, policy: 'refuse' | 'process', now?: number): Admission;
  /** The answer when a memory shared by replicas cannot be reached (503, `retry-after`). */
  storeUnavailable(): Answer;
  /** The answer when no conclusion could be reached (500). */
  notChecked(): Answer;
  /** The quarantine as configured, or undefined without one. */
  readonly quarantine: Required<Omit<QuarantinePolicy, 'directory'>> & { directory?: string } | undefined;
  /** Which held entries a store removes before keeping one more of `incomingBytes` (indexes, oldest first). */
  quarantineEvictions(held: HeldEntry[], incomingBytes: number, now?: number): number[];
  /** The line to log when the quarantine's store failed (never with a value). */
  quarantineFailureLine(reason: string): string;
  /**
   * The Redis command that keeps `entry` under keys starting with `prefix` (default
   * `hookguard:quarantine:`), but its last argument: append `entry.head` then the body, as bytes.
   */
  quarantineKeepCommand(entry: Pick<QuarantineEntry, 'id' | 'firstSeen'>, prefix?: string, now?: number): string[];
  /** Releases the gate's memory in the module. */
  free(): void;
}

/** The shared store's protocol (the core's, every host's): used by `hookguard/shared`. */
export function storeKeyPrefix(): string;
/** The Redis command that claims `pending.requestId` for the claim `token` identifies. */
export function storeClaimCommand(prefix: string, pending: Omit<PendingClaim, 'waiting'>, token: number): string[];
/** The Redis command that ends the claim `token` holds with `outcome`. */
export function storeSettleCommand(prefix: string, pending: Omit<PendingClaim, 'waiting'>, token: number, outcome: 'delivered' | 'failed' | number): string[];
/** What a reply to a claim command means; undefined for a reply that is not the protocol's. */
export function storeClaimOfReply(reply: unknown, token: number): Claim | undefined;
/** The line to log when the store failed (never with an id or a value). */
export function storeFailureLine(step: 'claim' | 'settle', reason: string, policy?: 'refuse' | 'process'): string;

/** Where Ocrolus lists an event name. */
export type Listing = 'organization' | 'account' | 'legacy' | 'open_api_only';

/** One event name hookguard knows. */
export interface EventInfo {
  /** The name as it appears in `event_name`. */
  name: string;
  /** The organization-level names it normalizes to (two for names that split by status). */
  canonicalNames: EventName[];
  listings: Listing[];
  summary: string;
  /** Whether Ocrolus documents a payload (otherwise only the common fields are checked). */
  payloadDocumented: boolean;
}

/** Every event name hookguard knows, in both naming schemes. */
export function events(): EventInfo[];

/** The published JSON Schema (2020-12) of an event name or `test-delivery`; undefined if unknown. */
export function schema(name: string): object | undefined;

/** The version of hookguard in this package. */
export function version(): string;
