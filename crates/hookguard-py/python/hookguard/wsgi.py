"""hookguard as a WSGI application, for Flask, Django (``hookguard.django``) and any WSGI server
(gunicorn, uWSGI, mod_wsgi): mount it where Ocrolus delivers.

Flask, through Werkzeug's dispatcher (every method reaches the receiver, so a wrong one gets the
gate's own 405)::

    from werkzeug.middleware.dispatcher import DispatcherMiddleware
    app.wsgi_app = DispatcherMiddleware(app.wsgi_app, {"/webhooks/ocrolus": WebhookReceiver(gate, handle)})

Refused deliveries get the gate's answer, byte for byte as every host gives it. A valid one is
handed to ``on_delivery(event, delivery)`` (``event``: the normalized payload when the gate
normalizes; ``delivery``: the report with ``signature`` and ``request_id``). A webhook is
at-least-once: the delivery is settled ``delivered`` only when the handler returned (200, or the
HTTP status it returned, when that is 2xx), and ``failed`` when it raised (500) or returned
another status, so that the sender's retry is checked as a new delivery and never lost.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from http import HTTPStatus
from typing import Any, BinaryIO, cast

from . import Answer, Gate
from ._receiver import DeliveryHandler, Receiver, log_handler_failure
from .quarantine import QuarantineStore, keep_refused
from .shared import SharedGate

#: A response as a WSGI server sends it: status, header fields, body.
Reply = tuple[int, list[tuple[str, str]], bytes]
StartResponse = Callable[[str, list[tuple[str, str]]], Any]


def _read_body(stream: BinaryIO, limit: int, declared: int | None) -> bytes:
    """At most ``limit`` bytes of the body (the gate's ``read_limit``; the rest is never read):
    the declared length when there is one, else until the stream ends (chunked)."""
    wanted = limit if declared is None else min(declared, limit)
    chunks: list[bytes] = []
    size = 0
    while size < wanted:
        chunk = stream.read(min(65536, wanted - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def _headers(environ: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The request's header fields from a WSGI environ (a repeated field arrives joined with
    commas, which the gate refuses for a signature header, as it must)."""
    pairs: list[tuple[str, str]] = []
    for key, value in environ.items():
        if key.startswith("HTTP_") and isinstance(value, str):
            pairs.append((key[5:].replace("_", "-").lower(), value))
        elif key in ("CONTENT_TYPE", "CONTENT_LENGTH") and value:
            pairs.append((key.replace("_", "-").lower(), str(value)))
    return pairs


def _reply(answer: Answer) -> Reply:
    # The core's header fields, exactly (Allow on a 405 among them).
    return answer["status"], list(answer.get("headers", [])), answer.get("problem", "").encode()


class WebhookReceiver(Receiver):
    """A WSGI application receiving Ocrolus deliveries through ``gate`` (a ``Gate``, or a
    ``hookguard.shared.SharedGate`` with a sync Redis client, for a fleet). ``now``: the clock
    (Unix seconds), for tests. ``quarantine``: where refused deliveries are kept when the gate
    has a ``quarantine`` option (default: a ``DirectoryQuarantine`` on its ``directory``)."""

    def __init__(
        self,
        gate: Gate | SharedGate,
        on_delivery: DeliveryHandler,
        *,
        now: Callable[[], int] | None = None,
        quarantine: QuarantineStore | None = None,
    ) -> None:
        if isinstance(gate, SharedGate) and gate.memory.is_async:
            raise TypeError("a WSGI receiver's shared memory needs a sync client (redis.Redis)")
        super().__init__(gate, on_delivery, now=now, quarantine=quarantine)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        status, headers, body = self.respond(environ)
        headers = [*headers, ("content-length", str(len(body)))]
        start_response(f"{status} {_phrase(status)}", headers)
        return [body]

    def respond(self, environ: Mapping[str, Any]) -> Reply:
        """The whole exchange for one request, from its WSGI environ: what to send back. (For
        frameworks that want the answer as their own response object: ``hookguard.django``.)"""
        declared_text = str(environ.get("CONTENT_LENGTH") or "")
        declared = int(declared_text) if declared_text.isdigit() else None
        screened = self.gate.screen(str(environ.get("REQUEST_METHOD", "")), environ.get("CONTENT_TYPE") or None, declared)
        if screened is not None:
            return _reply(screened)
        body = _read_body(cast(BinaryIO, environ["wsgi.input"]), self.gate.read_limit, declared)
        admission = self.gate.admit(_headers(environ), body, self._clock())
        if not admission["passes"]:
            return _reply(keep_refused(self.gate, admission, body, self.quarantine, self._clock()))
        delivery = admission["delivery"]
        try:
            # A TypedDict is a dict at run time; handlers are typed against the plain dict.
            returned = self.on_delivery(delivery.get("normalized"), cast(dict[str, Any], delivery))
        except Exception as error:  # the service failed: the sender must retry
            self.gate.settle(admission, "failed", self._clock())
            log_handler_failure(delivery, error)
            return _reply(self.gate.handler_failed())
        if returned is None:
            # Recorded before the answer leaves, so that a copy sent after it is acknowledged.
            self.gate.settle(admission, "delivered", self._clock())
            body = json.dumps({"received": True, "event_name": delivery.get("event_name")}).encode()
            return 200, [("content-type", "application/json")], body
        if isinstance(returned, int) and not isinstance(returned, bool) and 100 <= returned <= 999:
            # The core decides what the status means (2xx delivered).
            self.gate.settle(admission, returned, self._clock())
            return returned, [], b""
        self.gate.settle(admission, "failed", self._clock())
        raise TypeError("on_delivery must return None or an HTTP status (int)")


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Status"
