"""Checked by ``mypy --strict`` (never run): the package's types describe the API well enough
that a receiver type-checks, and misuse is a type error."""

from __future__ import annotations

import hookguard
from hookguard import Admission, Gate, ValidationResult, Verification
from hookguard.asgi import WebhookReceiver
from hookguard.payloads import EVENT_PAYLOADS, BookVerified, EventName, HookguardEvent

report: ValidationResult = hookguard.normalize(b"{}", strict=True, max_bytes=65536)
if report["valid"] and report["event_name"] == "book.verified":
    normalized = report.get("normalized")
    if normalized is not None:
        payload: BookVerified = normalized  # type: ignore[assignment]
        book_pk: int = payload["book_pk"]
for finding in report["errors"]:
    pointer: str = finding["instanceLocation"]

verdict: Verification = hookguard.verify([("Webhook-Signature", "00")], b"{}", secrets=["s"], now=1763800000)
authentic: bool = verdict["authentic"]

gate = Gate({"normalize": True, "signature": {"secrets": ["s"]}})
screened = gate.screen("POST", "application/json", 10)
admission: Admission = gate.admit({"webhook-signature": ["00"]}, b"{}")
if not admission["passes"]:
    status: int = admission["status"]
    problem: str | None = admission.get("problem")
gate.settle(admission, "delivered")


def handle(event: HookguardEvent | None, delivery: dict[str, object]) -> None:
    return None


receiver = WebhookReceiver(gate, handle)
name: EventName = "book.verified"
assert EVENT_PAYLOADS[name] is BookVerified

hookguard.validate("{}")  # type: ignore[arg-type]
gate.settle(admission, "lost")  # type: ignore[arg-type]
