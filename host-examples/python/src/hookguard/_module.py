"""hookguard.wasm under wasmtime: the module compiled once per process, instances of it, and the
plain-integer ABI (``docs/abi.md``) spoken with as few crossings as it allows.

Each call into the module is a ctypes call (a few microseconds each), so an instance keeps one
input buffer alive in the module and grows it when needed, instead of allocating and freeing
one per delivery: a delivery costs the copy in, the call, and two small calls to locate the
result.
"""

from __future__ import annotations

import threading
from importlib import resources
from typing import Final

import wasmtime

#: The ABI this package speaks (``hookguard_abi_version``).
ABI_VERSION: Final = 2

#: Status codes (``docs/abi.md``).
OK: Final = 0
INVALID: Final = 1
BAD_BUFFER: Final = -1
BAD_OPTIONS: Final = -2
BAD_FREE: Final = -3

_engine = wasmtime.Engine()
_module: wasmtime.Module | None = None
_module_lock = threading.Lock()


def _compiled() -> wasmtime.Module:
    """The module, compiled on first use (about a second) and shared by every instance."""
    global _module
    with _module_lock:
        if _module is None:
            wasm = resources.files("hookguard").joinpath("hookguard.wasm").read_bytes()
            _module = wasmtime.Module(_engine, wasm)
        return _module


class ModuleError(RuntimeError):
    """The module refused a call the package made (a defect of this package, never of a body)."""


class Instance:
    """One instance of hookguard.wasm: its own configuration and memory of request ids. Calls
    are serialized by a lock (an instance serves one thread of calls at a time)."""

    def __init__(self) -> None:
        store = wasmtime.Store(_engine)
        store.set_wasi(wasmtime.WasiConfig())
        linker = wasmtime.Linker(_engine)
        linker.define_wasi()
        instance = linker.instantiate(store, _compiled())
        exports = instance.exports(store)
        self._store = store
        self._lock = threading.Lock()

        def function(name: str) -> wasmtime.Func:
            export = exports[name]
            if not isinstance(export, wasmtime.Func):
                raise ModuleError(f"hookguard.wasm: {name} is not a function")
            return export

        memory = exports["memory"]
        if not isinstance(memory, wasmtime.Memory):
            raise ModuleError("hookguard.wasm exports no memory")
        self._memory = memory
        if "_initialize" in exports:
            function("_initialize")(store)
        self._alloc = function("hookguard_alloc")
        self._free = function("hookguard_free")
        self._result_ptr = function("hookguard_result_ptr")
        self._result_len = function("hookguard_result_len")
        self._function = function
        self._functions: dict[str, wasmtime.Func] = {}
        # The input buffer kept alive between calls: (address, capacity).
        self._buffer = (0, 0)
        version = function("hookguard_abi_version")(store)
        if version != ABI_VERSION:
            raise ModuleError(f"hookguard.wasm speaks ABI {version}, this package ABI {ABI_VERSION}")

    def _input(self, size: int) -> int:
        """An address in the module with room for ``size`` bytes (the kept buffer, grown)."""
        address, capacity = self._buffer
        if size <= capacity and address:
            return address
        if address:
            self._free(self._store, address, capacity)
            self._buffer = (0, 0)
        capacity = max(size, 4096, capacity * 2)
        address = self._alloc(self._store, capacity)
        if not address:
            capacity = size
            address = self._alloc(self._store, capacity)
        if not isinstance(address, int) or not address:
            raise ModuleError(f"hookguard.wasm refused a buffer of {size} bytes")
        self._buffer = (address, capacity)
        return address

    def call(self, name: str, *inputs: bytes) -> tuple[int, bytes]:
        """Calls export ``name`` with each input as a ``(ptr, len)`` pair (all in one buffer) and
        returns its status and its result's bytes."""
        with self._lock:
            function = self._functions.get(name)
            if function is None:
                function = self._functions[name] = self._function(name)
            address = self._input(sum(len(data) for data in inputs)) if inputs else 0
            arguments: list[int] = []
            at = address
            for data in inputs:
                if data:
                    self._memory.write(self._store, data, at)
                arguments += [at, len(data)]
                at += len(data)
            status = function(self._store, *arguments)
            start = self._result_ptr(self._store)
            length = self._result_len(self._store)
            result = bytes(self._memory.read(self._store, start, start + length)) if length else b""
            if not isinstance(status, int):
                raise ModuleError(f"hookguard.wasm: {name} returned no status")
            return status, result
