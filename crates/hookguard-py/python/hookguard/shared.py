"""A gate whose memory of request ids every worker and replica shares, in Redis, so that a copy
of a delivery sent to another process is not handed on twice (gunicorn's and uvicorn's
``--workers`` are a fleet on one machine already).

    import redis
    from hookguard import Gate
    from hookguard.shared import RedisMemory, SharedGate

    gate = SharedGate(Gate(config), RedisMemory(redis.Redis.from_url(url, socket_timeout=1)))

``SharedGate`` is used wherever a ``Gate`` is: the ASGI, WSGI and Django receivers. The store's
protocol (the Lua scripts, the keys, what a reply means, the log lines) is the core's, the same
as the gateway's, the npm package's and the tower layer's, so one Redis serves every host. The
body is checked once (``Gate.examine``); the store is asked for the claim; ``Gate.conclude``
finishes the same admission with its reply. When the store cannot be asked (an error, or no
answer within the client's ``socket_timeout`` or, for an asyncio client, ``timeout``),
``on_store_error`` decides as every host's store policy: ``"refuse"`` (the default) answers 503
``store_unavailable`` with ``retry-after``, so the sender comes back; ``"process"`` claims in
this process's gate instead. Either way it is counted in ``stats`` and logged, without the
request id or the payload.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import secrets
from collections.abc import Awaitable
from typing import Any, Literal, TypedDict, cast

from . import Admission, Answer, Body, Gate, Headers

_log = logging.getLogger("hookguard")


def _token() -> int:
    """A claim's token: a random whole number below 2^53, as every host's."""
    return secrets.randbits(53)


class RedisMemory:
    """Request ids in Redis, through a redis-py client: ``redis.Redis`` (used from any receiver)
    or ``redis.asyncio.Redis`` (from the ASGI receiver). One key per id, ``{prefix}{request_id}``,
    expiring by itself."""

    def __init__(self, client: Any, *, prefix: str | None = None) -> None:
        execute = getattr(client, "execute_command", None)
        if not callable(execute):
            raise TypeError("client must be a redis-py client (redis.Redis or redis.asyncio.Redis)")
        self.client = client
        self.prefix = prefix
        #: Whether the client is asyncio's (its commands are awaited).
        self.is_async = inspect.iscoroutinefunction(execute)

    def execute(self, command: list[str]) -> Any:
        """Sends one of the core's commands (a sync client); returns Redis' reply."""
        return self.client.execute_command(*command)

    async def aexecute(self, command: list[str]) -> Any:
        """Sends one of the core's commands (an asyncio client); returns Redis' reply."""
        return await cast(Awaitable[Any], self.client.execute_command(*command))


class StoreStats(TypedDict):
    """Store calls that failed or timed out; deliveries refused for it; claimed in the process
    instead."""

    store_errors: int
    refused: int
    in_process: int


def _reply(reply: Any) -> list[Any] | None:
    """A claim script's reply as the core reads it (``[state, milliseconds]``), bytes decoded."""
    if not isinstance(reply, (list, tuple)) or len(reply) != 2:
        return None
    state, milliseconds = reply
    return [state.decode() if isinstance(state, bytes) else state, milliseconds]


class SharedGate:
    """A ``Gate`` with its request ids claimed in ``memory``: ``admit`` and ``settle`` (or, with
    an asyncio client, ``aadmit`` and ``asettle``); everything else is the gate's."""

    def __init__(
        self,
        gate: Gate,
        memory: RedisMemory,
        *,
        on_store_error: Literal["refuse", "process"] = "refuse",
        timeout: float = 1.0,
    ) -> None:
        if not isinstance(gate, Gate):
            raise TypeError("gate must be a hookguard.Gate")
        if not isinstance(memory, RedisMemory):
            raise TypeError("memory must be a hookguard.shared.RedisMemory")
        if on_store_error not in ("refuse", "process"):
            raise ValueError("on_store_error must be 'refuse' or 'process'")
        if not timeout > 0:
            raise ValueError("timeout must be a number of seconds above zero")
        self.gate = gate
        self.memory = memory
        self.on_store_error: Literal["refuse", "process"] = on_store_error
        self.timeout = timeout
        self.stats: StoreStats = {"store_errors": 0, "refused": 0, "in_process": 0}

    # What is the gate's, as it is.
    @property
    def max_bytes(self) -> int:
        return self.gate.max_bytes

    @property
    def read_limit(self) -> int:
        return self.gate.read_limit

    @property
    def quarantine(self) -> dict[str, Any] | None:
        return self.gate.quarantine

    def screen(self, method: str, content_type: str | None = None, content_length: int | None = None) -> Answer | None:
        return self.gate.screen(method, content_type, content_length)

    def handler_failed(self) -> Answer:
        return self.gate.handler_failed()

    def quarantine_evictions(self, held: Any, incoming_bytes: int, now: int | None = None) -> list[int]:
        return self.gate.quarantine_evictions(held, incoming_bytes, now)

    def quarantine_keep_arguments(self, entry: Any, prefix: str | None = None, now: int | None = None) -> list[str]:
        return self.gate.quarantine_keep_arguments(entry, prefix, now)

    def quarantine_failure_line(self, reason: str) -> str:
        return self.gate.quarantine_failure_line(reason)

    def _failed(self, error: BaseException) -> None:
        self.stats["store_errors"] += 1
        self.stats["refused" if self.on_store_error == "refuse" else "in_process"] += 1
        reason = "no answer in time" if isinstance(error, (TimeoutError, asyncio.TimeoutError)) else type(error).__name__
        _log.error("%s", self.gate.store_failure_line("claim", reason, self.on_store_error))

    def admit(self, headers: Headers, body: Body, now: int | None = None) -> Admission:
        """The gate's conclusion, its request id claimed in the shared memory (a sync client)."""
        if self.memory.is_async:
            raise TypeError("an asyncio client is asked with aadmit/asettle (the ASGI receiver does)")
        examined = self.gate.examine(headers, body, now)
        pending = examined.get("pending_claim")
        if pending is None:
            return examined
        token = _token()
        reply: list[Any] | None
        try:
            reply = _reply(self.memory.execute(self.gate.store_command("claim", pending["request_id"], token, prefix=self.memory.prefix)))
        except Exception as error:  # the store could not be asked: the policy answers
            self._failed(error)
            reply = None
        return self.gate.conclude(examined, token, reply, self.on_store_error, now)

    async def aadmit(self, headers: Headers, body: Body, now: int | None = None) -> Admission:
        """``admit`` for the ASGI receiver: awaits an asyncio client (within ``timeout``), and
        runs a sync one off the event loop."""
        if not self.memory.is_async:
            return await asyncio.to_thread(self.admit, headers, body, now)
        examined = self.gate.examine(headers, body, now)
        pending = examined.get("pending_claim")
        if pending is None:
            return examined
        token = _token()
        reply: list[Any] | None
        try:
            command = self.gate.store_command("claim", pending["request_id"], token, prefix=self.memory.prefix)
            reply = _reply(await asyncio.wait_for(self.memory.aexecute(command), self.timeout))
        except Exception as error:  # the store could not be asked: the policy answers
            self._failed(error)
            reply = None
        return self.gate.conclude(examined, token, reply, self.on_store_error, now)

    def _settle_command(self, admission: Admission, outcome: Literal["delivered", "failed"] | int) -> list[str] | None:
        ticket = admission.get("ticket")
        if ticket is None or admission.get("claimed_in") != "store":
            return None
        return self.gate.store_command("settle", ticket["request_id"], ticket["token"], outcome=outcome, prefix=self.memory.prefix)

    def _settle_failed(self, error: BaseException) -> None:
        # The claim lapses by itself after in_flight_seconds; until then copies come back later.
        self.stats["store_errors"] += 1
        reason = "no answer in time" if isinstance(error, (TimeoutError, asyncio.TimeoutError)) else type(error).__name__
        _log.error("%s", self.gate.store_failure_line("settle", reason))

    def settle(self, admission: Admission, outcome: Literal["delivered", "failed"] | int, now: int | None = None) -> None:
        """Ends the admission's claim where it lives; never raises for the store (counted and
        logged: the claim lapses by itself)."""
        command = self._settle_command(admission, outcome)
        if command is None:
            return self.gate.settle(admission, outcome, now)
        if self.memory.is_async:
            raise TypeError("an asyncio client is asked with aadmit/asettle (the ASGI receiver does)")
        try:
            self.memory.execute(command)
        except Exception as error:  # nothing is lost: the claim lapses by itself
            self._settle_failed(error)
        return None

    async def asettle(self, admission: Admission, outcome: Literal["delivered", "failed"] | int, now: int | None = None) -> None:
        """``settle`` for the ASGI receiver."""
        if not self.memory.is_async:
            return await asyncio.to_thread(self.settle, admission, outcome, now)
        command = self._settle_command(admission, outcome)
        if command is None:
            return self.gate.settle(admission, outcome, now)
        try:
            await asyncio.wait_for(self.memory.aexecute(command), self.timeout)
        except Exception as error:  # nothing is lost: the claim lapses by itself
            self._settle_failed(error)
        return None
