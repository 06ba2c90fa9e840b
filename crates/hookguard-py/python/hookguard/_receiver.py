"""What every receiver of the package (ASGI, WSGI, Django, Lambda) shares: the gate it admits
through, the handler, the clock, where refused deliveries are kept, and how a handler's failure
is logged. Each receiver moves its server's request to the gate and the gate's answer back; this
holds the rest, once."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from . import Delivery, Gate
from .quarantine import QuarantineStore, store_for
from .shared import SharedGate

#: What a handler is: ``on_delivery(event, delivery)``, ``event`` the normalized payload when the
#: gate normalizes, ``delivery`` the report with ``signature`` and ``request_id``.
DeliveryHandler = Callable[[Any, dict[str, Any]], Any]

_log = logging.getLogger("hookguard")


class Receiver:
    """The parts of a receiver that are not its server's."""

    def __init__(
        self,
        gate: Gate | SharedGate,
        on_delivery: DeliveryHandler,
        *,
        now: Callable[[], int] | None = None,
        quarantine: QuarantineStore | None = None,
    ) -> None:
        if not isinstance(gate, (Gate, SharedGate)):
            raise TypeError("gate must be a hookguard.Gate or a hookguard.shared.SharedGate")
        if not callable(on_delivery):
            raise TypeError("on_delivery must be callable")
        self.gate = gate
        self.on_delivery = on_delivery
        self.now = now
        # Opened now: a quarantine that cannot be written stops the receiver from starting.
        self.quarantine = store_for(gate, quarantine)

    def _clock(self) -> int | None:
        return self.now() if self.now is not None else None


def log_handler_failure(delivery: Delivery, error: BaseException) -> None:
    """The line logged when a handler failed: the event's name and the error's type and message,
    never the payload."""
    _log.error("handler failed for %s: %s: %s", delivery.get("event_name") or "test delivery", type(error).__name__, error)
