// Compiled by `tsc` in the tests (never run): the declarations describe the API well enough
// that the narrowing a handler needs works, and misuse is a type error.
import { Gate, events, normalize, schema, validate, verify, version } from 'hookguard';
import { SharedGate, type DeliveryMemory } from 'hookguard/shared';
import type { Admission, Answer, EventPayloads, Finding, HookguardEvent, Overlay, ValidationResult } from 'hookguard';
import init, { validate as validateInBrowser } from 'hookguard/web';

declare const body: Uint8Array;

const result: ValidationResult = validate(body, { strict: true, maxBytes: 65536 });
if (result.valid && result.delivery === 'event') {
  // eventName discriminates the normalized payload's type.
  if (result.eventName === 'book.verified') {
    const bookPk: number | undefined = result.normalized?.book_pk;
    const name: 'book.verified' | undefined = result.normalized?.event_name;
    void bookPk;
    void name;
  }
  if (result.eventName === 'document.detect.signal_found') {
    const payload: EventPayloads['document.detect.signal_found'] | undefined = result.normalized;
    void payload;
  }
} else if (!result.valid) {
  const first: Finding | undefined = result.errors[0];
  const where: string | undefined = first?.instanceLocation;
  void where;
}

function handle(event: HookguardEvent): string {
  switch (event.event_name) {
    case 'book.verified':
      return event.book_uuid;
    default:
      return event.event_name;
  }
}
void handle;

const normalized = normalize('{}');
const text: string | undefined = normalized.valid ? normalized.normalizedJson : undefined;
void text;
const names: string[] = events().map((event) => event.name);
void names;
const maybeSchema: object | undefined = schema('book.verified');
void maybeSchema;
const semver: string = version();
void semver;

async function inBrowser(): Promise<void> {
  await init();
  validateInBrowser('{}');
}
void inBrowser;

const verification = verify({ 'webhook-signature': 'ab' }, body, { secrets: ['s'], now: 0 });
if (verification.authentic) {
  const id: string = verification.requestId;
  void id;
} else {
  const code: 'signature_stale' | 'signature_future' | 'signature_mismatch' | 'signature_missing_header' | 'signature_duplicate_header' | 'signature_malformed_header' = verification.code;
  void code;
}
// @ts-expect-error secrets are required
verify(new Headers(), body, {});

// @ts-expect-error a parsed object is not a body
validate({ event_name: 'book.verified' });
// @ts-expect-error options are checked by name
validate(body, { strickt: true });
// @ts-expect-error there is no such event
const wrong: EventPayloads['book.verifyed'] = undefined as never;
void wrong;

const gate = new Gate({ maxBytes: 65536, signature: { secrets: ['s'], toleranceSeconds: 300, onReplay: 'reject' }, replaySlots: 1000 });
const early = gate.screen('POST', 'application/json', 10);
if (early !== undefined) {
  const status: number = early.status;
  const problem: string | undefined = early.problem;
  void status;
  void problem;
}
const admission = gate.admit({ 'webhook-signature': ['ab'] }, body, 0);
if (admission.passes && admission.result?.valid) {
  const requestId: string | undefined = admission.requestId;
  const signature: 'verified' | 'unsigned' | 'replayed' | undefined = admission.signature;
  void requestId;
  void signature;
}
const limit: number = gate.maxBytes;
void limit;
// @ts-expect-error the configuration is checked by name (toleranceSec is not one)
new Gate({ signature: { secrets: ['s'], toleranceSec: 300 } });
// @ts-expect-error onReplay is acknowledge, reject or pass
new Gate({ signature: { secrets: ['s'], onReplay: 'drop' } });
new Gate({ signature: { secrets: ['s'], onReplay: 'acknowledge', inFlightSeconds: 120 } });
gate.settle(admission, 'delivered');
// @ts-expect-error an outcome is delivered or failed
gate.settle(admission, 'done');
const examined = gate.examine({}, body, 0);
if (examined.pendingClaim) {
  const concluded: Admission = gate.conclude(examined, { state: 'in_flight', lapsesInSeconds: 3 });
  void concluded;
  // @ts-expect-error a taken claim carries its token
  gate.conclude(examined, { state: 'taken' });
  const refused: Admission = gate.storeUnreachable(examined, 'refuse');
  void refused;
  // @ts-expect-error a store policy is refuse or process
  gate.storeUnreachable(examined, 'ignore');
}
gate.settle(admission, 204);
const outcome: 'delivered' | 'failed' = gate.outcomeOf(503);
void outcome;
const failedAnswer: Answer = gate.handlerFailed();
void failedAnswer;
const readLimit: number = gate.readLimit;
void readLimit;
if (admission.delivery) {
  const requestId: string | undefined = admission.delivery.requestId;
  void requestId;
}
const memory: DeliveryMemory = {
  async claim() { return { state: 'delivered' }; },
  async settle() {},
};
const shared = new SharedGate(gate, memory, { onStoreError: 'process', timeoutMs: 500 });
void shared.admit({}, body).then((admitted: Admission) => shared.settle(admitted, 'failed'));
// @ts-expect-error onStoreError is refuse or process
new SharedGate(gate, memory, { onStoreError: 'ignore' });


// An overlay, as `hookguard survey --emit-overlay` writes it: its keys are data.
const overlay: Overlay = {
  hookguard_overlay: 1,
  events: { 'book.verified': { fields: { '/book_name': { type: ['null', 'string'] } }, enum_values: { '/status': ['BOOK_ARCHIVED'] } } },
};
new Gate({ strict: true, overlay });
validate(body, { strict: true, overlay });
// @ts-expect-error an overlay's field needs a JSON type
new Gate({ overlay: { hookguard_overlay: 1, events: { 'book.verified': { fields: { '/x': { type: 'text' } } } } } });
// @ts-expect-error an overlay only adds optional fields
new Gate({ overlay: { hookguard_overlay: 1, events: { 'book.verified': { fields: { '/x': { type: 'string', required: true } } } } } });

// The Fetch-API handler and the Hono middleware.
import { fetchHandler, type Delivery } from 'hookguard/fetch';
import { hookguard } from 'hookguard/hono';

const fetchGate = new Gate({ normalize: true });
const fetchReceiver: (request: Request) => Promise<Response> = fetchHandler(fetchGate, async (event, delivery: Delivery, request: Request) => {
  if (delivery.eventName === 'book.verified') {
    const uuid: string | undefined = delivery.normalized?.book_uuid;
    void uuid;
  }
  void event;
  void request.url;
  return new Response(null, { status: 204 });
});
void fetchReceiver;
// @ts-expect-error the handler must be a function
fetchHandler(fetchGate, 'not a function');
const middleware = hookguard(fetchGate, { now: () => 1763800000 });
void middleware;


// The quarantine: configured on the Gate, kept by a store the receiver is given.
import { DirectoryQuarantine } from 'hookguard/quarantine';

const keepingGate = new Gate({ signature: { secrets: ['whsec_x'] }, quarantine: { directory: '/var/lib/hookguard/quarantine', answer: 'accept', keepSeconds: 86400 } });
const keptIn = new DirectoryQuarantine(keepingGate);
const keepingReceiver = fetchHandler(keepingGate, () => undefined, { quarantine: keptIn });
void keepingReceiver;
const keepingAdmission: Admission = keepingGate.admit({}, body);
if (keepingAdmission.quarantine) {
  const entryId: string = keepingAdmission.quarantine.id;
  const keptAnswer: Answer = keepingAdmission.quarantine.kept;
  void entryId;
  void keptAnswer;
}
const policy = keepingGate.quarantine;
const keepFor: number | undefined = policy?.keepSeconds;
void keepFor;
// @ts-expect-error answer is 'refuse' or 'accept'
new Gate({ quarantine: { answer: 'maybe' } });
// @ts-expect-error a store keeps entries
fetchHandler(keepingGate, () => undefined, { quarantine: { put() {} } });

// AWS Lambda.
import { lambdaHandler, type LambdaHttpResult } from 'hookguard/lambda';

const lambda = lambdaHandler(new Gate({ normalize: true }), async (event) => {
  void event;
});
const lambdaResult: Promise<LambdaHttpResult> = lambda({ version: '2.0', requestContext: { http: { method: 'POST' } }, body: '{}' });
void lambdaResult;
