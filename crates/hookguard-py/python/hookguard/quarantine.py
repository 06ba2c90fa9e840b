"""The quarantine's single-process store: a directory, one file per entry (``{id}.http``, an
HTTP capture that ``hookguard validate DIR``, ``survey DIR`` and ``quarantine replay DIR``
read), written the same way as by every other host.

Nothing here decides what is kept or what makes room: the gate names the entry and its bytes
(``admission["quarantine"]``) and weighs evictions (``Gate.quarantine_evictions``). This module
only writes, lists and removes files.
"""

from __future__ import annotations

import errno
import inspect
import itertools
import logging
import os
from typing import TYPE_CHECKING, Any, Protocol, TypedDict

from . import Admission, Answer, Gate, HeldEntry, QuarantineEntry

if TYPE_CHECKING:
    from .shared import SharedGate

_log = logging.getLogger("hookguard")

_EXTENSION = ".http"
_serial = itertools.count(1)


class Kept(TypedDict):
    """What keeping an entry did: written now (``kept``), after removing ``evicted`` entries."""

    kept: bool
    evicted: int


class QuarantineStats(TypedDict):
    """What the receivers count on a store: entries kept, retries found kept, entries evicted,
    keeps that failed."""

    kept: int
    already_kept: int
    evicted: int
    unavailable: int


def _new_stats() -> QuarantineStats:
    return {"kept": 0, "already_kept": 0, "evicted": 0, "unavailable": 0}


class QuarantineStore(Protocol):
    """Where a receiver keeps refused deliveries (``gate``: the gate that admitted the delivery)."""

    def keep(self, entry: QuarantineEntry, body: bytes, now: int | None, gate: Gate | SharedGate) -> Kept: ...


def _temporary_name(entry_id: str) -> str:
    return f".{entry_id}.{os.getpid()}.{next(_serial)}.tmp"


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


class DirectoryQuarantine:
    """A quarantine directory for ``gate`` (its ``quarantine.directory`` unless another is
    given). Created when missing and proven writable now: a directory the process cannot write
    is refused at start (OSError), not at the first refused delivery."""

    def __init__(self, gate: Gate | SharedGate, directory: str | os.PathLike[str] | None = None) -> None:
        if gate.quarantine is None:
            raise TypeError("DirectoryQuarantine needs a Gate configured with a quarantine option")
        chosen = directory if directory is not None else gate.quarantine.get("directory")
        if not chosen:
            raise TypeError("DirectoryQuarantine needs a directory: quarantine.directory in the gate's configuration")
        self.gate = gate
        self.directory = os.fspath(chosen)
        #: Counted by the receivers.
        self.stats: QuarantineStats = _new_stats()
        os.makedirs(self.directory, exist_ok=True)
        probe = os.path.join(self.directory, _temporary_name("probe"))
        with open(probe, "xb"):
            pass
        os.unlink(probe)

    def keep(self, entry: QuarantineEntry, body: bytes, now: int | None = None, gate: Gate | SharedGate | None = None) -> Kept:
        """Keeps a refused delivery (``entry``: ``admission["quarantine"]``; ``body``: the bytes
        the gate saw) unless it is kept already (a retry). Raises OSError when the directory
        cannot be written."""
        target = os.path.join(self.directory, entry["id"] + _EXTENSION)
        if os.path.exists(target):
            return {"kept": False, "evicted": 0}
        held = self.held()
        evicted = self.gate.quarantine_evictions(held, entry["bytes"], now)
        for index in evicted:
            _remove(os.path.join(self.directory, held[index]["id"] + _EXTENSION))
        temporary = os.path.join(self.directory, _temporary_name(entry["id"]))
        try:
            with open(temporary, "xb") as file:
                file.write(entry["head"].encode("ascii"))
                file.write(body)
                file.flush()
                os.fsync(file.fileno())
            # When the entry was first seen is its file's time: the listing weighs evictions.
            os.utime(temporary, (entry["first_seen"], entry["first_seen"]))
            try:
                # A link fails when the name exists: of two processes keeping one entry, one does.
                os.link(temporary, target)
            except FileExistsError:
                return {"kept": False, "evicted": len(evicted)}
            return {"kept": True, "evicted": len(evicted)}
        finally:
            _remove(temporary)

    def held(self) -> list[HeldEntry]:
        """The entries held, as ``Gate.quarantine_evictions`` takes them."""
        held: list[HeldEntry] = []
        with os.scandir(self.directory) as items:
            for item in items:
                if not item.name.endswith(_EXTENSION) or item.name.startswith("."):
                    continue
                try:
                    facts = item.stat()
                except FileNotFoundError:
                    continue
                if item.is_file():
                    held.append({"id": item.name[: -len(_EXTENSION)], "first_seen": int(facts.st_mtime), "bytes": facts.st_size})
        return held


class RedisQuarantine:
    """A fleet's quarantine in Redis, through a redis-py client (``redis.Redis``): the same keys
    and script as the gateway's and the npm package's (the core's), so every host shares one
    quarantine and ``hookguard quarantine list|replay redis://...`` reads it. Raises what the
    client raises when Redis fails (the receiver then answers as ``store_down`` says)."""

    def __init__(self, client: Any, *, prefix: str | None = None) -> None:
        execute = getattr(client, "execute_command", None)
        if not callable(execute):
            raise TypeError("client must be a redis-py client (redis.Redis)")
        if inspect.iscoroutinefunction(execute):
            # Receivers keep refused deliveries off the event loop, in a thread: a sync client.
            raise TypeError("RedisQuarantine needs a sync client (redis.Redis), not redis.asyncio's")
        self.client = client
        self.prefix = prefix
        #: Counted by the receivers.
        self.stats: QuarantineStats = _new_stats()

    def keep(self, entry: QuarantineEntry, body: bytes, now: int | None, gate: Gate | SharedGate) -> Kept:
        arguments = gate.quarantine_keep_arguments(entry, self.prefix, now)
        reply = self.client.execute_command(*arguments, entry["head"].encode("ascii") + bytes(body))
        state, evicted = (part.decode() if isinstance(part, bytes) else part for part in reply)
        if state == "kept":
            return {"kept": True, "evicted": int(evicted)}
        if state == "already":
            return {"kept": False, "evicted": 0}
        raise ValueError("a reply that is not the quarantine's")


def store_for(gate: Gate | SharedGate, quarantine: QuarantineStore | None) -> QuarantineStore | None:
    """The store a receiver keeps ``gate``'s refused deliveries in: the one given, else the
    directory the gate's ``quarantine.directory`` names (opened now, so a directory that cannot
    be written stops the receiver from starting). A gate with a quarantine and neither is a
    TypeError: nothing authentic may be lost."""
    if quarantine is not None:
        if not callable(getattr(quarantine, "keep", None)):
            raise TypeError("quarantine must be a store with keep(entry, body, now, gate), such as DirectoryQuarantine or RedisQuarantine")
        return quarantine
    if gate.quarantine is None:
        return None
    if gate.quarantine.get("directory"):
        return DirectoryQuarantine(gate)
    raise TypeError("the gate keeps refused deliveries (its quarantine option): set quarantine.directory, or give the receiver a store")


def keep_refused(gate: Gate | SharedGate, admission: Admission, body: bytes, store: QuarantineStore | None, now: int | None = None) -> Answer:
    """The answer to a refused delivery: kept in ``store`` when the gate names it for the
    quarantine (the answer names the entry), the store's failure answered as ``store_down``
    says and logged without values; any other admission is its own answer."""
    entry = admission.get("quarantine")
    if entry is None or store is None:
        return admission
    stats: QuarantineStats | None = getattr(store, "stats", None)
    try:
        kept = store.keep(entry, body, now, gate)
    except Exception as error:  # a store that cannot keep: the configured policy answers
        if stats is not None:
            stats["unavailable"] += 1
        reason = errno.errorcode.get(error.errno, type(error).__name__) if isinstance(error, OSError) and error.errno else type(error).__name__
        _log.error("%s", gate.quarantine_failure_line(reason))
        return entry["unreachable"]
    if stats is not None:
        stats["kept" if kept["kept"] else "already_kept"] += 1
        stats["evicted"] += kept["evicted"]
    return entry["kept"]
