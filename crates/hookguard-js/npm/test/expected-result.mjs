// A recorded report (tests/expected/verdicts.json, the core's snake_case JSON) in the package's
// naming: what `validate` (or, `withNormalized`, `normalize`) must return for that fixture.
// Shared by the package tests and the runtime tests.
export function expectedResult(recorded, { withNormalized }) {
  const result = {
    valid: recorded.valid,
    delivery: recorded.delivery,
    eventName: recorded.event_name,
    sourceEventName: recorded.source_event_name,
    errors: recorded.errors,
    warnings: recorded.warnings,
  };
  if (recorded.omitted) result.omitted = recorded.omitted;
  if (withNormalized && recorded.normalized) {
    result.normalized = recorded.normalized;
    result.normalizedJson = JSON.stringify(recorded.normalized);
  }
  return result;
}
