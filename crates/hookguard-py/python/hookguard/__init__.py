"""Validate and normalize Ocrolus webhook deliveries from their raw bytes, with the same
verdicts, findings and answers as every hookguard host: the package runs hookguard's own core,
as a native extension where a platform wheel is installed, else as its WebAssembly module
(``hookguard.wasm``) under wasmtime (``hookguard.backend`` says which).

>>> import hookguard
>>> report = hookguard.validate(b'{"event_name": "book.verified"}')
>>> report["valid"], report["errors"][0]["code"]
(False, 'schema_violation')
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping, Sequence

from . import _module

# What a process pays to import the package is kept to the package itself: `typing` and the
# `TypedDict`s (only type checkers need them; `hookguard.ValidationResult` and the others load
# on first use, in `__getattr__`) and `json` (the first `validate` with default options needs
# none) are imported when something asks. A service has usually loaded both already; a
# short-lived process (a function, a script) pays only for what it uses.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Literal, cast

    from ._types import (
        Admission,
        Answer,
        Body,
        Delivery,
        EventInfo,
        Finding,
        Headers,
        HeldEntry,
        Omitted,
        PendingClaim,
        Position,
        QuarantineEntry,
        Ticket,
        ValidationResult,
        Verdict,
        Verification,
    )

    #: A configuration for ``validate``: its JSON, the read limit under it (the wasm backend's;
    #: the native validator reads no further than its own), and the native backend's validator
    #: for it (None on the wasm backend).
    _Options = tuple[bytes, int, Any]
else:

    def cast(_type: object, value: object) -> object:
        return value


__all__ = [
    "Admission", "Answer", "Body", "Delivery", "EventInfo", "Finding", "Gate", "Headers", "HeldEntry",
    "Omitted", "PendingClaim", "Position", "QuarantineEntry", "Ticket", "ValidationResult", "Verdict", "Verification", "events", "normalize",
    "schema", "validate", "verify", "version", "backend", "DEFAULT_MAX_BYTES", "MAX_BYTES_CEILING",
]
DEFAULT_MAX_BYTES: int
MAX_BYTES_CEILING: int

#: Which backend runs the core in this process: ``"native"`` (the extension of a platform wheel)
#: or ``"wasm"`` (hookguard.wasm under wasmtime). The answers are the same; the speed is not.
backend: str = _module.BACKEND

# What every setting is (its JSON type, default, ceiling, members) is the core's: read from the
# module once (``hookguard_options``), never restated here.
_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "boolean": (bool,),
    "integer": (int,),
    "string": (str,),
    "array": (list, tuple),
    "object": (Mapping,),
}
_described: dict[str, Any] | None = None


def _settings() -> dict[str, Any]:
    """Every configuration setting as the core describes it, asked once per process."""
    global _described
    if _described is None:
        _, result, _ = _shared.call(None, "hookguard_options")
        _described = cast("dict[str, Any]", _decode(result))
    return _described


def __getattr__(name: str) -> Any:
    # DEFAULT_MAX_BYTES and MAX_BYTES_CEILING come from the core on first use (asking at import
    # would compile the module in every process that imports the package).
    if name == "DEFAULT_MAX_BYTES":
        return int(_settings()["max_bytes"]["default"])
    if name == "MAX_BYTES_CEILING":
        return int(_settings()["max_bytes"]["maximum"])
    if name in __all__:
        # The only public names not defined by the time anyone asks: the types of `_types`.
        from . import _types

        return getattr(_types, name)
    raise AttributeError(f"module 'hookguard' has no attribute {name!r}")


def _of_type(name: str, value: object, kind: str) -> None:
    kinds = _JSON_TYPES.get(kind, (object,))
    # bool is an int in Python; a limit given as True is a mistake, not 1.
    if not isinstance(value, kinds) or (bool not in kinds and isinstance(value, bool)):
        expected = " or ".join("mapping" if each is Mapping else each.__name__ for each in kinds)
        raise TypeError(f"option {name!r} must be {expected}, not {type(value).__name__}")


def _checked_config(config: Mapping[str, Any], allowed: Sequence[str]) -> dict[str, Any]:
    """The configuration with every name known and of its type (TypeError naming it otherwise);
    ranges and allowed values are the core's to check (ValueError, with the module's message)."""
    if not isinstance(config, Mapping):
        raise TypeError(f"the configuration must be a mapping, not {type(config).__name__}")
    settings = _settings()
    checked: dict[str, Any] = {}
    for name, value in config.items():
        if name not in allowed:
            raise TypeError(f"unknown option {name!r} (known: {', '.join(allowed)})")
        if value is None:
            continue
        _of_type(name, value, settings[name]["type"])
        members = settings[name].get("members")
        if members is not None:
            group: dict[str, Any] = {}
            for member, member_value in value.items():
                qualified = f"{name}.{member}"
                if member not in members:
                    raise TypeError(f"unknown option {qualified!r} (known: {', '.join(f'{name}.{known}' for known in members)})")
                _of_type(qualified, member_value, members[member]["type"])
                group[member] = list(member_value) if isinstance(member_value, tuple) else member_value
            value = group
        checked[name] = list(value) if isinstance(value, tuple) else value
    return checked


def _validate_names() -> tuple[str, ...]:
    """The names ``validate`` takes: the core's validation options, and ``normalize``."""
    return (*(name for name, setting in _settings().items() if setting["validation"]), "normalize")


def _bytes_of(body: object) -> bytes:
    """The body's bytes; a parsed value is refused (it has lost duplicate keys and precision)."""
    raw = _raw_body(body)
    return raw if isinstance(raw, bytes) else bytes(raw)


def _raw_body(body: object) -> bytes | bytearray | memoryview:
    """The body as the caller holds it, if it is raw bytes; a parsed value is refused."""
    if isinstance(body, (bytes, bytearray, memoryview)):
        return body
    raise TypeError(
        f"body must be the raw bytes (bytes, bytearray or memoryview), not {type(body).__name__}: "
        "a parsed or decoded body has lost what hookguard checks"
    )


def _decode(result: bytes) -> Any:
    import json

    return json.loads(result.decode("utf-8"))


def _dumps(value: object) -> bytes:
    """A request to the core, as JSON."""
    import json

    return json.dumps(value).encode()


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

    def call(self, config: bytes | None, name: str, *inputs: bytes) -> tuple[int, bytes, bytes | None]:
        with self._lock:
            if self._instance is None:
                self._instance = _module.new_instance()
            if config is not None and config != self._configured:
                _configure(self._instance, config)
                self._configured = config
            return self._instance.call(name, *inputs)

    def read_limit(self, config: bytes) -> int:
        """How many bytes of a body to read under ``config`` (the module says, once configured)."""
        with self._lock:
            if self._instance is None:
                self._instance = _module.new_instance()
            limits = _configure(self._instance, config)
            self._configured = config
            return int(limits["read_limit"])


def _configure(instance: _module.Instance, config: bytes) -> dict[str, Any]:
    """Applies ``config`` to ``instance``; the module's limits under it (``max_bytes``,
    ``read_limit``), or ValueError with the module's message."""
    status, result, _ = instance.call("hookguard_configure", config)
    if status != _module.OK:
        raise ValueError(_decode(result)["error"])
    return cast("dict[str, Any]", _decode(result))


_shared = _Shared()

#: Checked and encoded option sets of ``validate``, by their values and types.
_CONFIGS: dict[tuple[tuple[type, object], ...], _Options] = {}


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
    if strict is False and reveal_values is False and max_bytes is None and max_depth is None and max_findings is None and overlay is None:
        # Every default: the common call, kept to a few identity checks.
        cached = _DEFAULTS if _DEFAULTS is not None else _with_defaults()
    else:
        cached = _options_of(strict, max_bytes, max_depth, max_findings, reveal_values, overlay)
    config, limit, native = cached
    if native is not None:
        # The core's own path: the body read where the caller holds it (a bytearray or
        # memoryview is not copied), nothing past the read limit looked at. Written for the
        # hot path: no call besides the extension's when the body is raw bytes.
        if not isinstance(body, (bytes, bytearray, memoryview)):
            _raw_body(body)  # raises the TypeError naming what the body is
        return native.validate(body, normalize)  # type: ignore[no-any-return]
    data = _bytes_of(body)
    # Nothing past the module's read limit is copied into it: that much says "too large".
    if limit < len(data):
        data = data[:limit]
    function = "hookguard_normalize" if normalize else "hookguard_validate"
    status, result, _ = _shared.call(config, function, data)
    if status not in (_module.OK, _module.INVALID):
        raise _module.ModuleError(_decode(result).get("error", "the hookguard core failed"))
    return cast("ValidationResult", _decode(result))


_DEFAULTS: _Options | None = None
#: Every option at its default: what ``_options({})`` writes, known without asking the core.
_DEFAULT_CONFIG = b"{}"


def _options(options: dict[str, Any]) -> _Options:
    import json

    return _options_for(json.dumps(options, separators=(",", ":"), sort_keys=True).encode())


def _options_for(config: bytes) -> _Options:
    native = _module.validator(config)
    # The native validator stops at its own read limit; the wasm path cuts the body here.
    limit = _shared.read_limit(config) if native is None else 0
    return config, limit, native


def _with_defaults() -> _Options:
    global _DEFAULTS
    _DEFAULTS = _options_for(_DEFAULT_CONFIG)
    return _DEFAULTS


def _options_of(strict: bool, max_bytes: int | None, max_depth: int | None, max_findings: int | None, reveal_values: bool, overlay: Mapping[str, Any] | None) -> _Options:
    # The options checked and written once per distinct set (types in the key: True == 1).
    scalars = (strict, max_bytes, max_depth, max_findings, reveal_values)
    key = tuple((type(value), value) for value in scalars)
    cached = _CONFIGS.get(key) if overlay is None else None
    if cached is None:
        cached = _options(_checked_config(
            {
                "strict": strict, "max_bytes": max_bytes, "max_depth": max_depth,
                "max_findings": max_findings, "reveal_values": reveal_values, "overlay": overlay,
            },
            _validate_names(),
        ))
        if overlay is None and len(_CONFIGS) < 64:
            _CONFIGS[key] = cached
    return cached


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
    tolerance_seconds: int | None = None,
    now: int | None = None,
) -> Verification:
    """Ocrolus' ``Webhook-Signature`` checked against ``secrets`` (several during a rotation),
    ``Webhook-Timestamp`` within ``tolerance_seconds`` of ``now`` (Unix seconds, default the
    clock; the tolerance defaults to the core's, 300). A repeated or comma-joined signature header is ``signature_duplicate_header``.
    Secrets never appear in the verdict."""
    if isinstance(secrets, (str, bytes)) or not isinstance(secrets, Sequence):
        raise TypeError("secrets must be a list of strings")
    if not all(isinstance(secret, str) for secret in secrets):
        raise TypeError("secrets must be a list of strings")
    if tolerance_seconds is not None and (isinstance(tolerance_seconds, bool) or not isinstance(tolerance_seconds, int)):
        raise TypeError("tolerance_seconds must be an int")
    if now is not None and (isinstance(now, bool) or not isinstance(now, int)):
        raise TypeError("now must be an int (Unix seconds)")
    request: dict[str, Any] = {
        "secrets": list(secrets),
        "now": int(time.time()) if now is None else now,
        "headers": _header_pairs(headers),
    }
    if tolerance_seconds is not None:
        request["tolerance_seconds"] = tolerance_seconds
    status, result, _ = _shared.call(None, "hookguard_verify", _dumps(request), _bytes_of(body))
    if status == _module.BAD_OPTIONS:
        raise ValueError(_decode(result)["error"])
    return cast("Verification", _decode(result))


def events() -> list[EventInfo]:
    """Every event name hookguard knows, in both naming schemes (``schemas/catalog.json``)."""
    _, result, _ = _shared.call(None, "hookguard_catalog")
    return cast("list[EventInfo]", _decode(result)["events"])


def schema(name: str) -> dict[str, Any] | None:
    """The published JSON Schema (2020-12) of an event name or ``test-delivery``; None if
    unknown."""
    if not isinstance(name, str):
        raise TypeError("name must be a str")
    status, result, _ = _shared.call(None, "hookguard_schema", name.encode())
    return cast("dict[str, Any]", _decode(result)) if status == _module.OK else None


def version() -> str:
    """The hookguard version inside."""
    _, result, _ = _shared.call(None, "hookguard_version")
    return result.decode()


def _answer(status: int, result: bytes, problem: bytes | None) -> Admission:
    """An answer or admission from the module (``status``: whether it passes, as the module
    says), its problem document kept as the exact bytes the core wrote (a JSON round trip could
    respell it), and for a delivery that passes the record a handler is given: the report with
    ``signature`` and ``request_id``."""
    answer = cast("Admission", _decode(result))
    if problem is not None:
        answer["problem"] = problem.decode("utf-8")
    if "headers" in answer:
        answer["headers"] = [(name, value) for name, value in answer["headers"]]
    answer["passes"] = status == _module.OK
    keeping = answer.get("quarantine")
    if keeping is not None:
        # Both answers as the core wrote them (problem documents as text, exact).
        for either in (keeping["kept"], keeping["unreachable"]):
            either["headers"] = [(name, value) for name, value in either["headers"]]
            either["passes"] = False
    report = answer.get("report")
    if answer["passes"] and report is not None:
        delivery = cast("Delivery", dict(report))
        delivery["signature"] = answer.get("signature")
        delivery["request_id"] = answer.get("request_id")
        answer["delivery"] = delivery
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
        checked = _checked_config(config or {}, tuple(_settings()))
        self._instance = _module.new_instance()
        limits = _configure(self._instance, _dumps(checked))
        #: The largest body accepted, and how many bytes of a body to read at most (the module's).
        self.max_bytes: int = int(limits["max_bytes"])
        self.read_limit: int = int(limits["read_limit"])
        #: The ``quarantine`` setting as configured (None without one).
        self.quarantine: dict[str, Any] | None = checked.get("quarantine")
        self._handler_failed: Answer | None = None

    def screen(self, method: str, content_type: str | None = None, content_length: int | None = None) -> Answer | None:
        """A refusal from the request line and headers alone (405, 415, 413), or None: then read
        at most ``read_limit`` bytes of the body and ``admit`` it."""
        if not isinstance(method, str):
            raise TypeError("method must be a str")
        request: dict[str, Any] = {"method": method}
        if content_type is not None:
            request["content_type"] = content_type
        if content_length is not None:
            request["content_length"] = content_length
        status, result, problem = self._instance.call("hookguard_screen", _dumps(request))
        if status == _module.OK:
            return None
        if status != _module.INVALID:
            raise ValueError(_decode(result)["error"])
        return _answer(status, result, problem)

    def admit(self, headers: Headers, body: Body, now: int | None = None) -> Admission:
        """The whole conclusion on one delivery (``passes``, ``status``, the ``problem`` to send
        with ``headers`` when it does not). An authentic valid delivery claims its request id
        (``ticket``): settle it once the service answered."""
        data = _bytes_of(body)[: self.read_limit]
        request = _dumps({
            "now": int(time.time()) if now is None else now,
            "headers": _header_pairs(headers),
        })
        status, result, problem = self._instance.call("hookguard_admit", request, data)
        if status not in (_module.OK, _module.INVALID):
            raise ValueError(_decode(result)["error"])
        return _answer(status, result, problem)

    def settle(self, admission: Admission, outcome: Literal["delivered", "failed"] | int, now: int | None = None) -> None:
        """Ends the admission's claim: ``delivered`` once the service handled the delivery (copies
        are acknowledged from then on), ``failed`` when it did not (the sender's retry is checked
        as a new delivery), or the HTTP status the service answered (the core decides: 2xx
        delivered). An admission without a claim is left alone."""
        if isinstance(outcome, bool) or not isinstance(outcome, (str, int)):
            raise TypeError("outcome must be 'delivered', 'failed' or an HTTP status")
        if isinstance(outcome, str) and outcome not in ("delivered", "failed"):
            raise ValueError("outcome must be 'delivered' or 'failed'")
        if isinstance(outcome, int) and not 100 <= outcome <= 999:
            raise ValueError("status must be an HTTP status code (100-999)")
        ticket = admission.get("ticket")
        if ticket is None:
            return
        request: dict[str, Any] = {"now": int(time.time()) if now is None else now, "ticket": ticket}
        request["outcome" if isinstance(outcome, str) else "status"] = outcome
        status, result, _ = self._instance.call("hookguard_settle", _dumps(request))
        if status != _module.OK:
            raise ValueError(_decode(result)["error"])

    def examine(self, headers: Headers, body: Body, now: int | None = None) -> Admission:
        """``admit`` without asking this gate's memory, for a memory every replica shares
        (``hookguard.shared``): an authentic valid delivery comes back with ``pending_claim``
        (``request_id``, ``in_flight_seconds``, ``delivered_seconds``, ``waiting``) and waits in
        this gate for ``conclude``; anything else is concluded already."""
        data = _bytes_of(body)[: self.read_limit]
        request = _dumps({
            "now": int(time.time()) if now is None else now,
            "headers": _header_pairs(headers),
            "shared": True,
        })
        status, result, problem = self._instance.call("hookguard_admit", request, data)
        if status not in (_module.OK, _module.INVALID):
            raise ValueError(_decode(result)["error"])
        examined = _answer(status, result, problem)
        if "pending_claim" in examined:
            # Not handed on before the store has answered.
            examined["passes"] = False
            examined.pop("delivery", None)
        return examined

    def conclude(
        self,
        examined: Admission,
        token: int,
        reply: list[Any] | None,
        policy: Literal["refuse", "process"],
        now: int | None = None,
    ) -> Admission:
        """Finishes an examined admission with the store's ``reply`` to the claim command
        (``None``: the store could not be asked; ``policy`` then decides: ``refuse``, 503, or
        ``process``, this gate's memory). The body is not checked again: the report is the
        examined one's."""
        pending = examined.get("pending_claim")
        if pending is None:
            return examined
        request = _dumps({
            "now": int(time.time()) if now is None else now,
            "waiting": pending["waiting"],
            "token": token,
            "reply": reply,
            "policy": policy,
        })
        status, result, problem = self._instance.call("hookguard_conclude", request)
        if status not in (_module.OK, _module.INVALID):
            raise ValueError(_decode(result)["error"])
        concluded = _answer(status, result, problem)
        report = examined.get("report")
        if report is not None:
            concluded["report"] = report
            if concluded["passes"]:
                delivery = cast("Delivery", dict(report))
                delivery["signature"] = concluded.get("signature")
                delivery["request_id"] = concluded.get("request_id")
                concluded["delivery"] = delivery
        return concluded

    def store_command(self, command: Literal["claim", "settle"], request_id: str, token: int, *, outcome: Literal["delivered", "failed"] | int | None = None, prefix: str | None = None) -> list[str]:
        """A command of the shared store's protocol (the core's, every host's), as Redis reads
        it: the claim of ``request_id`` for ``token``, or the settle of that claim with
        ``outcome`` (or the HTTP status the service answered)."""
        request: dict[str, Any] = {"command": command, "request_id": request_id, "token": token}
        if prefix is not None:
            request["prefix"] = prefix
        if isinstance(outcome, str):
            request["outcome"] = outcome
        elif outcome is not None:
            request["status"] = outcome
        status, result, _ = self._instance.call("hookguard_store_command", _dumps(request))
        if status != _module.OK:
            raise ValueError(_decode(result)["error"])
        return list(_decode(result))

    def store_failure_line(self, step: Literal["claim", "settle"], reason: str, policy: Literal["refuse", "process"] | None = None) -> str:
        """The line to log when the shared store failed (never with an id or a value)."""
        request: dict[str, Any] = {"step": step, "reason": reason}
        if policy is not None:
            request["policy"] = policy
        _, result, _ = self._instance.call("hookguard_store_failure_line", _dumps(request))
        return result.decode()

    def quarantine_evictions(self, held: Sequence[HeldEntry], incoming_bytes: int, now: int | None = None) -> list[int]:
        """Which held entries a quarantine store removes before keeping one more of
        ``incoming_bytes`` (indexes into ``held``): the core weighs age and bounds."""
        request = _dumps({
            "now": int(time.time()) if now is None else now,
            "incoming_bytes": incoming_bytes,
            "held": [{"id": entry["id"], "first_seen": entry["first_seen"], "bytes": entry["bytes"]} for entry in held],
        })
        status, result, _ = self._instance.call("hookguard_quarantine_evictions", request)
        if status != _module.OK:
            raise ValueError(_decode(result)["error"])
        return list(_decode(result)["evict"])

    def quarantine_keep_arguments(self, entry: QuarantineEntry, prefix: str | None = None, now: int | None = None) -> list[str]:
        """The Redis command that keeps ``entry`` (an admission's ``quarantine``) under keys
        starting with ``prefix`` (default ``hookguard:quarantine:``), but its last argument:
        append ``entry["head"]`` then the body, as bytes."""
        request: dict[str, Any] = {
            "now": int(time.time()) if now is None else now,
            "entry": {"id": entry["id"], "first_seen": entry["first_seen"]},
        }
        if prefix is not None:
            request["prefix"] = prefix
        status, result, _ = self._instance.call("hookguard_quarantine_keep_arguments", _dumps(request))
        if status != _module.OK:
            raise ValueError(_decode(result)["error"])
        return list(_decode(result))

    def quarantine_failure_line(self, reason: str) -> str:
        """The line to log when the quarantine's store could not keep a refused delivery (never
        with a value: ``reason`` names the failure)."""
        _, result, _ = self._instance.call("hookguard_quarantine_failure_line", reason.encode())
        return result.decode()

    def handler_failed(self) -> Answer:
        """The answer when the handler a delivery was given failed (raised): 500 with a problem
        document, so that the sender retries."""
        if self._handler_failed is None:
            status, result, problem = self._instance.call("hookguard_handler_failed")
            answer = _answer(_module.INVALID, result, problem)
            answer["verdict"] = "handler_failed"
            self._handler_failed = answer
        return self._handler_failed
