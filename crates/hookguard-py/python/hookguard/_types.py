"""The shapes of what hookguard answers, as every host writes them (the core's JSON, its names
in snake_case). Event payloads are typed in ``hookguard.payloads`` (generated from ``schemas/``)."""

from __future__ import annotations

from typing import Any, Literal, Mapping, NotRequired, Sequence, TypedDict, Union



class Position(TypedDict):
    """Where in the body a finding is: byte offset, 1-based line, 1-based byte column."""

    offset: int
    line: int
    column: int


# The report's findings keep JSON Schema's output-format names (as in every host).
Finding = TypedDict(
    "Finding",
    {
        "code": str,
        "instanceLocation": str,
        "keywordLocation": str,
        "error": str,
        "position": NotRequired[Position],
    },
)


class Omitted(TypedDict):
    """Findings beyond ``max_findings``: counted, never listed."""

    errors: int
    warnings: int


class ValidationResult(TypedDict):
    """A report: ``valid`` decides; ``errors`` say why and where."""

    valid: bool
    #: ``event`` (it names one), ``test`` (Ocrolus' test delivery), or None when unreadable.
    delivery: Literal["event", "test"] | None
    #: The organization-level name, when the event is known.
    event_name: str | None
    #: The name as delivered.
    source_event_name: str | None
    errors: list[Finding]
    warnings: list[Finding]
    omitted: NotRequired[Omitted]
    #: The normalized payload, from ``normalize`` (or ``normalize=True``) of a valid delivery.
    normalized: NotRequired[dict[str, Any]]


class Verification(TypedDict):
    """A signature's verdict: authentic with its request id, timestamp and the secret that
    matched, or not with the reason's code."""

    authentic: bool
    request_id: NotRequired[str]
    timestamp: NotRequired[int]
    secret_index: NotRequired[int]
    code: NotRequired[str]
    error: NotRequired[str]


Verdict = Literal[
    "valid", "invalid", "event_not_allowed", "too_large", "unsupported_media_type",
    "method_not_allowed", "internal_error", "unchecked", "signature_invalid", "replayed",
    "duplicate", "in_flight", "store_unavailable", "quarantined", "handler_failed",
]


class Answer(TypedDict):
    """What to answer: the HTTP status, and for a refusal the problem document's exact text
    with the headers to send it with."""

    verdict: Verdict
    status: int
    passes: bool
    problem: NotRequired[str]
    headers: NotRequired[list[tuple[str, str]]]


class Ticket(TypedDict):
    """A delivery's claim on its request id, to settle once the service answered."""

    request_id: str
    token: int


class Delivery(ValidationResult):
    """What a handler is given for an admitted delivery: the report, with what the gate found
    of its signature."""

    signature: Literal["verified", "unsigned", "replayed"] | None
    request_id: str | None


class QuarantineEntry(TypedDict):
    """A refused delivery the gate names for the quarantine: write ``head`` then the body as
    entry ``id``, then answer ``kept`` (or ``unreachable`` when the store failed)."""

    id: str
    head: str
    bytes: int
    first_seen: int
    kept: Answer
    unreachable: Answer


class HeldEntry(TypedDict):
    """An entry a quarantine store holds, as ``Gate.quarantine_evictions`` weighs it."""

    id: str
    first_seen: int
    bytes: int


class PendingClaim(TypedDict):
    """A claim an examined admission waits for (``Gate.examine``): ask the shared store, then
    ``Gate.conclude``."""

    request_id: str
    in_flight_seconds: int
    delivered_seconds: int
    waiting: int


class Admission(Answer):
    """A gate's whole conclusion on one delivery."""

    signature: NotRequired[Literal["verified", "unsigned", "replayed"]]
    request_id: NotRequired[str]
    timestamp: NotRequired[int]
    ticket: NotRequired[Ticket]
    report: NotRequired[ValidationResult]
    #: When it passes: the record a handler is given.
    delivery: NotRequired[Delivery]
    #: A refused delivery the quarantine keeps: its entry, and the answers either way.
    quarantine: NotRequired[QuarantineEntry]
    #: From ``Gate.examine``: the claim to ask the shared store for.
    pending_claim: NotRequired[PendingClaim]
    #: Where the claim it holds lives: the shared store, or this gate's memory.
    claimed_in: NotRequired[Literal["store", "process"]]


class EventInfo(TypedDict):
    """One event name hookguard knows (``schemas/catalog.json``)."""

    name: str
    canonical_names: list[str]
    listings: list[str]
    aliases: list[list[str]]
    payload_documented: bool
    schema: str
    summary: str


#: Request headers in the shapes Python servers hold them: a mapping (values may be lists for
#: repeated names), or ``(name, value)`` pairs as ASGI and WSGI give them (str or bytes).
Headers = Union[
    Mapping[str, Union[str, Sequence[str]]],
    Sequence[tuple[Union[str, bytes], Union[str, bytes]]],
]

#: The raw request body.
Body = Union[bytes, bytearray, memoryview]
