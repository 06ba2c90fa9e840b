"""hookguard as an AWS Lambda handler, behind API Gateway (REST APIs, payload format 1.0; HTTP
APIs, 2.0) or a function URL (2.0)::

    from hookguard import Gate
    from hookguard.aws_lambda import lambda_handler

    handler = lambda_handler(Gate(config), handle)     # the function's handler

The event is read as the WSGI receiver reads a request (``hookguard.wsgi``: the same answers,
the same delivery contract, the same ``now`` and ``quarantine``); its answer is returned as the
event's format wants it. A fleet of Lambda instances shares a memory only through a store: give a
``hookguard.shared.SharedGate`` with a sync Redis client the function reaches.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable, Mapping
from typing import Any

from . import Gate
from .quarantine import QuarantineStore
from .shared import SharedGate
from ._receiver import DeliveryHandler
from .wsgi import WebhookReceiver


def _environ(event: Mapping[str, Any]) -> dict[str, Any]:
    """A WSGI environ for the event's request: method, every header field (a repeated one
    joined with commas, as WSGI servers and HTTP APIs do: the gate refuses that for a signature
    header, as it must), the body's bytes."""
    if not isinstance(event, Mapping):
        raise TypeError("the event must be an API Gateway or function URL event")
    v2 = event.get("version") == "2.0"
    method = (event.get("requestContext") or {}).get("http", {}).get("method") if v2 else event.get("httpMethod")
    fields: list[tuple[str, str]] = []
    multi = None if v2 else event.get("multiValueHeaders")
    if multi:
        for name, values in multi.items():
            fields.extend((name, value) for value in values or [])
    else:
        fields.extend((name, value) for name, value in (event.get("headers") or {}).items() if value is not None)
    raw = event.get("body")
    body = b"" if raw is None else base64.b64decode(raw) if event.get("isBase64Encoded") else str(raw).encode("utf-8")
    environ: dict[str, Any] = {"REQUEST_METHOD": method or "GET", "wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(len(body))}
    joined: dict[str, str] = {}
    for name, value in fields:
        key = name.upper().replace("-", "_")
        key = key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else f"HTTP_{key}"
        if key == "CONTENT_LENGTH":
            continue  # the body's own length, above
        joined[key] = f"{joined[key]},{value}" if key in joined else value
    environ.update(joined)
    return environ


def lambda_handler(
    gate: Gate | SharedGate,
    on_delivery: DeliveryHandler,
    *,
    now: Callable[[], int] | None = None,
    quarantine: QuarantineStore | None = None,
) -> Callable[[Mapping[str, Any], Any], dict[str, Any]]:
    """A Lambda handler, ``(event, context) -> result``, checking each delivery with ``gate`` and
    handing valid ones to ``on_delivery(event, delivery)`` (see ``hookguard.wsgi``)."""
    receiver = WebhookReceiver(gate, on_delivery, now=now, quarantine=quarantine)

    def handler(event: Mapping[str, Any], context: Any = None) -> dict[str, Any]:
        status, headers, body = receiver.respond(_environ(event))
        return {
            "statusCode": status,
            "headers": dict(headers),
            # Every answer hookguard gives is JSON or empty: text.
            "body": body.decode("utf-8"),
            "isBase64Encoded": False,
        }

    return handler
