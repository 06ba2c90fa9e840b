"""The WebAssembly backend: hookguard.wasm under wasmtime, the module compiled once per process,
instances of it, and the plain-integer ABI (``docs/abi.md``) spoken with as few crossings as it
allows. Used where no native extension is installed (the ``py3-none-any`` wheel), or when
``HOOKGUARD_BACKEND=wasm`` asks for it (``_module.py`` chooses).

A call into the module costs Python far more than the module's work on a delivery (wasmtime's
``Func`` call converts every argument and asks the function's type: about ten microseconds), so
an instance keeps one input buffer alive in the module (grown when needed) instead of
allocating and freeing one per delivery, and reads where the result is from the module's
result slot instead of asking: a delivery costs one call, and one copy each way.
"""

from __future__ import annotations

import ctypes
import struct
import threading
from importlib import resources
from typing import Any

import wasmtime

from ._abi import ABI_VERSION, ModuleError

try:
    # wasmtime's unchecked call: the arguments as raw values, no type lookup or conversion per
    # call (about 1 us against 9 us through ``Func.__call__``). Every hookguard export takes and
    # returns 32-bit integers only, fixed by the ABI, so nothing is left to check. Reached
    # through wasmtime's own FFI module; where a release moves it, the public call is used.
    from wasmtime import _ffi as _raw

    _UNCHECKED: Any = _raw.wasmtime_func_call_unchecked
    _RAW_VALUE: Any = _raw.wasmtime_val_raw_t
    _TRAP: Any = _raw.wasm_trap_t
except (ImportError, AttributeError):  # pragma: no cover - depends on the wasmtime release
    _UNCHECKED = None

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
        self._function = function
        # Arguments in, result out (four: the most an export takes), reused by every call.
        self._raw_values: Any = (_RAW_VALUE * 4)() if _UNCHECKED is not None else None
        self._fast = False
        version_function = function("hookguard_abi_version")
        # The fast path is used only once it gives what the public call gives.
        if self._raw_values is not None:
            try:
                self._fast = self._invoke(version_function, []) == version_function(store)
            except Exception:  # pragma: no cover - a wasmtime release that moved its FFI
                self._fast = False
        slot = function("hookguard_result_slot")(store)
        if not isinstance(slot, int):
            raise ModuleError("hookguard.wasm: hookguard_result_slot returned no address")
        self._slot = slot
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

    def _invoke(self, function: wasmtime.Func, arguments: list[int]) -> int:
        """Calls ``function`` with 32-bit integer arguments through wasmtime's unchecked call."""
        values = self._raw_values
        for index, argument in enumerate(arguments):
            values[index].i32 = argument - (1 << 32) if argument >= 1 << 31 else argument
        trap = ctypes.POINTER(_TRAP)()
        error = _UNCHECKED(self._store._context(), ctypes.byref(function._func), values, 4, ctypes.byref(trap))
        if error or trap:
            raise ModuleError("hookguard.wasm trapped (a defect: please report it)")
        return int(values[0].i32)

    def _base(self) -> int:
        """The address of the module's memory in this process (it moves when the memory grows:
        asked again after every call)."""
        return ctypes.addressof(self._memory.data_ptr(self._store).contents)

    def call(self, name: str, *inputs: bytes) -> tuple[int, bytes, bytes | None]:
        """Calls export ``name`` with each input as a ``(ptr, len)`` pair (all in one buffer) and
        returns its status, its result's bytes, and the problem document the result holds (its
        exact bytes, by the place the module gives in its result slot), if any."""
        with self._lock:
            function = self._functions.get(name)
            if function is None:
                function = self._functions[name] = self._function(name)
            address = self._input(sum(len(data) for data in inputs)) if inputs else 0
            arguments: list[int] = []
            at = address
            base = self._base()
            for data in inputs:
                # The buffer lies inside the memory: the module allocated it.
                ctypes.memmove(base + at, data, len(data))
                arguments += [at, len(data)]
                at += len(data)
            status = self._invoke(function, arguments) if self._fast else function(self._store, *arguments)
            base = self._base()
            start, length, problem_at, problem_length = struct.unpack("<IIII", ctypes.string_at(base + self._slot, 16))
            if start + length > self._memory.data_len(self._store) or problem_at + problem_length > length:
                raise ModuleError(f"hookguard.wasm: {name}'s result lies outside its memory")
            result = ctypes.string_at(base + start, length) if length else b""
            if not isinstance(status, int):
                raise ModuleError(f"hookguard.wasm: {name} returned no status")
            problem = result[problem_at : problem_at + problem_length] if problem_length else None
            return status, result, problem
