"""hookguard as an ASGI application, for FastAPI, Starlette or any ASGI server: route Ocrolus'
deliveries to it (``app.add_route("/webhooks/ocrolus", WebhookReceiver(gate, handle))``).

Refused deliveries get the Gate's answer, byte for byte as every host gives it. A valid one is
handed to ``on_delivery(event, delivery)`` (``event``: the normalized payload when the Gate
normalizes; ``delivery``: the report with ``signature`` and ``request_id``), sync or async. A
webhook is at-least-once: the delivery is settled ``delivered`` only when the handler returned
(200, or the status of the ASGI response it returned when that is 2xx), and ``failed`` when it
raised (500) or returned a non-2xx response, so that the sender's retry is checked as a new
delivery and never lost.
"""

from __future__ import annotations

import asyncio
import inspect
import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, Literal, cast

from . import Admission, Answer, Delivery, Gate, Headers
from ._receiver import DeliveryHandler, Receiver, log_handler_failure
from .quarantine import keep_refused
from .shared import SharedGate

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


async def _read_body(receive: Receive, limit: int) -> bytes:
    """At most ``limit`` bytes of the body (the gate's ``read_limit``; the rest is never read)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        chunks.append(chunk)
        size += len(chunk)
        if size >= limit or not message.get("more_body", False):
            break
    return b"".join(chunks)[:limit]


async def _send(send: Send, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
    raw = [(name.encode("latin-1"), value.encode("latin-1")) for name, value in headers]
    raw.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


async def _send_answer(send: Send, answer: Answer, body_read: bool) -> None:
    # The core's header fields, exactly (Allow on a 405 among them).
    headers = list(answer.get("headers", []))
    if not body_read:
        # What is left of the body is not read: the connection cannot carry another request.
        headers.append(("connection", "close"))
    await _send(send, answer["status"], headers, answer.get("problem", "").encode())


class WebhookReceiver(Receiver):
    """An ASGI application receiving Ocrolus deliveries through ``gate`` (a ``Gate``, or a
    ``hookguard.shared.SharedGate`` for a fleet: every worker's memory in Redis). ``now``: the
    clock (Unix seconds), for tests. ``quarantine``: where refused deliveries are kept when the
    gate has a ``quarantine`` option (default: a ``DirectoryQuarantine`` on its ``directory``)."""

    async def _admit(self, headers: Headers, body: bytes) -> Admission:
        if isinstance(self.gate, SharedGate):
            return await self.gate.aadmit(headers, body, self._clock())
        return self.gate.admit(headers, body, self._clock())

    async def _settle(self, admission: Admission, outcome: Literal["delivered", "failed"] | int) -> None:
        if isinstance(self.gate, SharedGate):
            await self.gate.asettle(admission, outcome, self._clock())
        else:
            self.gate.settle(admission, outcome, self._clock())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            raise RuntimeError(f"WebhookReceiver serves HTTP, not {scope['type']}")
        headers: list[tuple[bytes, bytes]] = list(scope.get("headers", []))
        content_type = next((value.decode("latin-1") for name, value in headers if name.lower() == b"content-type"), None)
        declared = next((value for name, value in headers if name.lower() == b"content-length"), None)
        length = int(declared) if declared is not None and declared.isdigit() else None
        screened = self.gate.screen(scope["method"], content_type, length)
        if screened is not None:
            return await _send_answer(send, screened, body_read=False)
        body = await _read_body(receive, self.gate.read_limit)
        admission = await self._admit(headers, body)
        if not admission["passes"]:
            answer: Answer = admission
            if "quarantine" in admission:
                # Files are written off the event loop.
                answer = await asyncio.to_thread(keep_refused, self.gate, admission, body, self.quarantine, self._clock())
            return await _send_answer(send, answer, body_read=len(body) < self.gate.read_limit)
        await self._deliver(scope, receive, send, admission, admission["delivery"])

    async def _deliver(self, scope: Scope, receive: Receive, send: Send, admission: Admission, delivery: Delivery) -> None:
        try:
            # A TypedDict is a dict at run time; handlers are typed against the plain dict.
            returned = self.on_delivery(delivery.get("normalized"), cast(dict[str, Any], delivery))
            if inspect.isawaitable(returned):
                returned = await returned
        except Exception as error:  # the service failed: the sender must retry
            await self._settle(admission, "failed")
            log_handler_failure(delivery, error)
            await _send_answer(send, self.gate.handler_failed(), body_read=True)
            return
        if returned is None:
            # Recorded before the answer leaves, so that a copy sent after it is acknowledged.
            await self._settle(admission, "delivered")
            body = json.dumps({"received": True, "event_name": delivery.get("event_name")}).encode()
            await _send(send, 200, [("content-type", "application/json")], body)
            return
        status = getattr(returned, "status_code", None)
        if not callable(returned) or not isinstance(status, int):
            await self._settle(admission, "failed")
            raise TypeError("on_delivery must return None or an ASGI response with a status_code")
        # The core decides what the status means (2xx delivered).
        await self._settle(admission, status)
        await returned(scope, receive, send)
