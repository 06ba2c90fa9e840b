"""Validate and normalize Ocrolus webhook deliveries from their raw bytes, with the same
verdicts, findings and answers as every hookguard host: the package runs hookguard's own
WebAssembly module (``hookguard.wasm``, the core compiled once) under wasmtime.

>>> import hookguard
>>> report = hookguard.validate(b'{"event_name": "book.verified"}')
>>> report["valid"], report["errors"][0]["code"]
(False, 'schema_violation')
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Mapping, Sequence
from typing import Any, Literal, cast

from . import _module
from ._types import (
    Admission,
    Answer,
    Body,
    EventInfo,
    Finding,
    Headers,
    Omitted,
    Position,
    Ticket,
    ValidationResult,
    Verdict,
    Verification,
)

__all__ = [
    "Admission", "Answer", "Body", "EventInfo", "Finding", "Gate", "Headers", "Omitted",
    "Position", "Ticket", "ValidationResult", "Verdict", "Verification", "events", "normalize",
    "schema", "validate", "verify", "version", "DEFAULT_MAX_BYTES", "MAX_BYTES_CEILING",
]

#: Largest body accepted by default (1 MiB), and the most any host accepts (8 MiB).
DEFAULT_MAX_BYTES = 1024 * 1024
MAX_BYTES_CEILING = 8 * 1024 * 1024

# The options every host takes, with the JSON type each must have.
_OPTION_TYPES: dict[str, tuple[type, ...]] = {
    "strict": (bool,),
    "reveal_values": (bool,),
    "normalize": (bool,),
    "max_bytes": (int,),
    "max_depth": (int,),
    "max_findings": (int,),
    "overlay": (Mapping,),
    "allowed_events": (list, tuple),
    "signature": (Mapping,),
    "problem": (Mapping,),
}
_VALIDATE_OPTIONS = ("strict", "reveal_values", "normalize", "max_bytes", "max_depth", "max_findings", "overlay")


# The members of the two grouped settings, and their types.
_GROUPS: dict[str, dict[str, tuple[type, ...]]] = {
    "signature": {
        "secrets": (list, tuple),
        "tolerance_seconds": (int,),
        "required": (bool,),
        "on_replay": (str,),
        "in_flight_seconds": (int,),
    },
    "problem": {"include_errors": (bool,), "type_prefix": (str,)},
}


def _of_type(name: str, value: object, kinds: tuple[type, ...]) -> None:
    # bool is an int in Python; a limit given as True is a mistake, not 1.
    if not isinstance(value, kinds) or (bool not in kinds and isinstance(value, bool)):
        expected = " or ".join("mapping" if kind is Mapping else kind.__name__ for kind in kinds)
        raise TypeError(f"option {name!r} must be {expected}, not {type(value).__name__}")


def _checked_config(config: Mapping[str, Any], allowed: Sequence[str]) -> dict[str, Any]:
    """The configuration with every name known and of its type (TypeError naming it otherwise);
    ranges and allowed values are the core's to check (ValueError, with the module's message)."""
    if not isinstance(config, Mapping):
        raise TypeError(f"the configuration must be a mapping, not {type(config).__name__}")
    checked: dict[str, Any] = {}
    for name, value in config.items():
        if name not in allowed:
            raise TypeError(f"unknown option {name!r} (known: {', '.join(allowed)})")
        if value is None:
            continue
        _of_type(name, value, _OPTION_TYPES[name])
        if name in _GROUPS:
            members = _GROUPS[name]
            group: dict[str, Any] = {}
            for member, member_value in value.items():
                qualified = f"{name}.{member}"
                if member not in members:
                    raise TypeError(f"unknown option {qualified!r} (known: {', '.join(f'{name}.{known}' for known in members)})")
                _of_type(qualified, member_value, members[member])
                group[member] = list(member_value) if isinstance(member_value, tuple) else member_value
            value = group
        checked[name] = list(value) if isinstance(value, tuple) else value
    return checked


def _bytes_of(body: object) -> bytes:
    """The body's bytes; a parsed value is refused (it has lost duplicate keys and precision)."""
    if isinstance(body, bytes):
        return body
    if isinstance(body, (bytearray, memoryview)):
        return bytes(body)
    raise TypeError(
        f"body must be the raw bytes (bytes, bytearray or memoryview), not {type(body).__name__}: "
        "a parsed or decoded body has lost what hookguard checks"
    )


def _decode(result: bytes) -> Any:
    return json.loads(result.decode("utf-8"))


def _header_pairs(headers: Headers) -> list[tuple[str, str]]:
    """Every header field as received, repeats kept: a mapping (list values for repeats) or
    pairs of str or bytes (ASGI, WSGI). Bytes are Latin-1, as HTTP/1.1 fields are."""
    pairs: list[tuple[str, str]] = []

    def text(value: str | bytes) -> str:
        return value.decode("latin-1") if isinstance(value, bytes) else value

    if isinstance(headers, Mapping):
        getlist = getattr(headers, "getlist", None) or getattr(headers, "get_all", None)
        for name in headers.keys():
            values: Any = getlist(name) if callable(getlist) else headers[name]
            if isinstance(values, (str, bytes)):
                values = [values]
            for value in values:
                pairs.append((text(name), text(value)))
        return pairs
    if isinstance(headers, (list, tuple)):
        for pair in headers:
            if not isinstance(pair, (list, tuple)) or len(pair) != 2:
                raise TypeError("headers must be a mapping or (name, value) pairs")
            name, value = pair
            if not isinstance(name, (str, bytes)) or not isinstance(value, (str, bytes)):
                raise TypeError("header names and values must be str or bytes")
            pairs.append((text(name), text(value)))
        return pairs
    raise TypeError(f"headers must be a mapping or (name, value) pairs, not {type(headers).__name__}")


class _Shared:
    """The process's instance for the module-level functions, configured as the last call
    asked (reconfigured only when the options change)."""

    def __init__(self) -> None:
        self._instance: _module.Instance | None = None
        self._configured: bytes | None = None
        self._lock = threading.Lock()

    def call(self, config: bytes | None, name: str, *inputs: bytes) -> tuple[int, bytes]:
        with self._lock:
            if self._instance is None:
                self._instance = _module.Instance()
            if config is not None and config != self._configured:
                status, result = self._instance.call("hookguard_configure", config)
                if status != _module.OK:
                    raise ValueError(_decode(result)["error"])
                self._configured = config
            return self._instance.call(name, *inputs)


_shared = _Shared()

#: Checked and encoded option sets of ``validate``, by their values and types.
_CONFIGS: dict[tuple[tuple[type, object], ...], tuple[bytes, int]] = {}


def validate(
    body: Body,
    *,
    strict: bool = False,
    max_bytes: int | None = None,
    max_depth: int | None = None,
    max_findings: int | None = None,
    reveal_values: bool = False,
    overlay: Mapping[str, Any] | None = None,
    normalize: bool = False,
) -> ValidationResult:
    """The report on one delivery's raw body. Invalid deliveries are reports, not exceptions;
    a body or option of the wrong type raises TypeError, an out-of-range limit or an overlay
    that would take anything away ValueError (naming the option)."""
    # The options checked and written once per distinct set (types in the key: True == 1).
    scalars = (strict, max_bytes, max_depth, max_findings, reveal_values)
    key = tuple((type(value), value) for value in scalars)
    cached = _CONFIGS.get(key) if overlay is None else None
    if cached is None:
        options = _checked_config(
            {
                "strict": strict, "max_bytes": max_bytes, "max_depth": max_depth,
                "max_findings": max_findings, "reveal_values": reveal_values, "overlay": overlay,
            },
            _VALIDATE_OPTIONS,
        )
        cached = (json.dumps(options, separators=(",", ":"), sort_keys=True).encode(),
                  options.get("max_bytes", DEFAULT_MAX_BYTES))
        if overlay is None and len(_CONFIGS) < 64:
            _CONFIGS[key] = cached
    config, limit = cached
    data = _bytes_of(body)
    # Nothing past the limit is copied into the module: one byte more says "too large".
    if 0 <= limit < len(data):
        data = data[: limit + 1]
    function = "hookguard_normalize" if normalize else "hookguard_validate"
    status, result = _shared.call(config, function, data)
    if status not in (_module.OK, _module.INVALID):
        raise _module.ModuleError(_decode(result).get("error", "hookguard.wasm failed"))
    return cast(ValidationResult, _decode(result))


def normalize(body: Body, **options: Any) -> ValidationResult:
    """``validate`` with the normalized payload (canonical event name, alias fields filled,
    keys sorted) in ``normalized`` when the delivery is valid."""
    if "normalize" in options:
        raise TypeError("normalize() always normalizes: use validate(normalize=...) to choose")
    return validate(body, normalize=True, **options)


def verify(
    headers: Headers,
    body: Body,
    *,
    secrets: Sequence[str],
    tolerance_seconds: int = 300,
    now: int | None = None,
) -> Verification:
    """Ocrolus' ``Webhook-Signature`` checked against ``secrets`` (several during a rotation),
    ``Webhook-Timestamp`` within ``tolerance_seconds`` of ``now`` (Unix seconds, default the
    clock). A repeated or comma-joined signature header is ``signature_duplicate_header``.
    Secrets never appear in the verdict."""
    if isinstance(secrets, (str, bytes)) or not isinstance(secrets, Sequence):
        raise TypeError("secrets must be a list of strings")
    if not all(isinstance(secret, str) for secret in secrets):
        raise TypeError("secrets must be a list of strings")
    if isinstance(tolerance_seconds, bool) or not isinstance(tolerance_seconds, int):
        raise TypeError("tolerance_seconds must be an int")
    if now is not None and (isinstance(now, bool) or not isinstance(now, int)):
        raise TypeError("now must be an int (Unix seconds)")
    request = json.dumps({
        "secrets": list(secrets),
        "tolerance_seconds": tolerance_seconds,
        "now": int(time.time()) if now is None else now,
        "headers": _header_pairs(headers),
    }).encode()
    status, result = _shared.call(None, "hookguard_verify", request, _bytes_of(body))
    if status == _module.BAD_OPTIONS:
        raise ValueError(_decode(result)["error"])
    return cast(Verification, _decode(result))


def events() -> list[EventInfo]:
    """Every event name hookguard knows, in both naming schemes (``schemas/catalog.json``)."""
    _, result = _shared.call(None, "hookguard_catalog")
    return cast(list[EventInfo], _decode(result)["events"])


def schema(name: str) -> dict[str, Any] | None:
    """The published JSON Schema (2020-12) of an event name or ``test-delivery``; None if
    unknown."""
    if not isinstance(name, str):
        raise TypeError("name must be a str")
    status, result = _shared.call(None, "hookguard_schema", name.encode())
    return cast(dict[str, Any], _decode(result)) if status == _module.OK else None


def version() -> str:
    """The hookguard version inside."""
    _, result = _shared.call(None, "hookguard_version")
    return result.decode()


_GATE_OPTIONS = ("max_bytes", "max_depth", "max_findings", "strict", "reveal_values", "overlay",
                 "normalize", "allowed_events", "signature", "problem")


def _answer(status: int, result: bytes) -> Admission:
    """An answer or admission from the module (``status``: whether it passes, as the module
    says), its problem document kept as the exact text the core wrote (a JSON round trip could
    respell it)."""
    text = result.decode("utf-8")
    answer = cast(Admission, json.loads(text))
    at = text.find(',"problem":')
    if at >= 0:
        start = at + len(',"problem":')
        _, end = json.JSONDecoder().raw_decode(text, start)
        answer["problem"] = text[start:end]
    if "headers" in answer:
        answer["headers"] = [(name, value) for name, value in answer["headers"]]
    answer["passes"] = status == _module.OK
    return answer


class Gate:
    """What every hookguard host puts in front of a service, with the gateway filter's answers
    byte for byte: method and content type (``screen``), then size, signature, validation,
    allowed events and the delivery's claim on its request id (``admit``), then the service's
    outcome (``settle``). ``config`` is hookguard's configuration, the same names as every host
    (``max_bytes``, ``strict``, ``normalize``, ``allowed_events``, ``signature``: ``secrets``,
    ``tolerance_seconds``, ``required``, ``on_replay``, ``in_flight_seconds``; ``problem``...).
    Request ids are remembered by this gate (its own module instance) in this process."""

    def __init__(self, config: Mapping[str, Any] | None = None) -> None:
        checked = _checked_config(config or {}, _GATE_OPTIONS)
        self._instance = _module.Instance()
        status, result = self._instance.call("hookguard_configure", json.dumps(checked).encode())
        if status != _module.OK:
            raise ValueError(_decode(result)["error"])
        self.max_bytes: int = checked.get("max_bytes", DEFAULT_MAX_BYTES)

    def screen(self, method: str, content_type: str | None = None, content_length: int | None = None) -> Answer | None:
        """A refusal from the request line and headers alone (405, 415, 413), or None: then read
        at most ``max_bytes + 1`` bytes of the body and ``admit`` it."""
        if not isinstance(method, str):
            raise TypeError("method must be a str")
        request: dict[str, Any] = {"method": method}
        if content_type is not None:
            request["content_type"] = content_type
        if content_length is not None:
            request["content_length"] = content_length
        status, result = self._instance.call("hookguard_screen", json.dumps(request).encode())
        if status == _module.OK:
            return None
        if status != _module.INVALID:
            raise ValueError(_decode(result)["error"])
        return _answer(status, result)

    def admit(self, headers: Headers, body: Body, now: int | None = None) -> Admission:
        """The whole conclusion on one delivery (``passes``, ``status``, the ``problem`` to send
        with ``headers`` when it does not). An authentic valid delivery claims its request id
        (``ticket``): settle it once the service answered."""
        data = _bytes_of(body)[: self.max_bytes + 1]
        request = json.dumps({
            "now": int(time.time()) if now is None else now,
            "headers": _header_pairs(headers),
        }).encode()
        status, result = self._instance.call("hookguard_admit", request, data)
        if status not in (_module.OK, _module.INVALID):
            raise ValueError(_decode(result)["error"])
        return _answer(status, result)

    def settle(self, admission: Admission, outcome: Literal["delivered", "failed"], now: int | None = None) -> None:
        """Ends the admission's claim: ``delivered`` once the service handled the delivery (copies
        are acknowledged from then on), ``failed`` when it did not (the sender's retry is checked
        as a new delivery). An admission without a claim is left alone."""
        if outcome not in ("delivered", "failed"):
            raise ValueError("outcome must be 'delivered' or 'failed'")
        ticket = admission.get("ticket")
        if ticket is None:
            return
        request = json.dumps({
            "now": int(time.time()) if now is None else now,
            "ticket": ticket,
            "outcome": outcome,
        }).encode()
        status, result = self._instance.call("hookguard_settle", request)
        if status != _module.OK:
            raise ValueError(_decode(result)["error"])
