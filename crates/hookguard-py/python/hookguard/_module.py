"""The backend that runs the core: the native extension (``hookguard._native``, in the platform
wheels) where it is installed, else hookguard.wasm under wasmtime (the ``py3-none-any`` wheel).
Both answer the same ABI calls with the same bytes (one implementation in Rust; the test suite
runs whole against each), so nothing above this module knows which one runs.

``HOOKGUARD_BACKEND=wasm`` or ``=native`` in the environment insists on one (an ImportError
when it is not installed); unset, the native one is used when present.
"""

from __future__ import annotations

import os

from ._abi import ABI_VERSION, BAD_BUFFER, BAD_FREE, BAD_OPTIONS, INVALID, OK, ModuleError

__all__ = ["ABI_VERSION", "BACKEND", "BAD_BUFFER", "BAD_FREE", "BAD_OPTIONS", "INVALID", "OK", "Instance", "ModuleError", "new_instance", "validator"]

# `typing` only for type checkers: importing the package stays cheap (see __init__).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, Final, Protocol

    class Instance(Protocol):
        """One instance of the core: its own configuration and memory of request ids."""

        def call(self, name: str, *inputs: bytes) -> tuple[int, bytes, bytes | None]:
            """Calls ABI export ``name`` with ``inputs``: its status, its result's bytes, and the
            problem document the result holds, if any."""
            ...


def _choose() -> tuple[str, Callable[[], Instance], Callable[[bytes], Any] | None]:
    wanted = os.environ.get("HOOKGUARD_BACKEND", "")
    if wanted not in ("", "native", "wasm"):
        raise ImportError(f"HOOKGUARD_BACKEND must be native or wasm, not {wanted!r}")
    if wanted != "wasm":
        try:
            from . import _native
        except ImportError:
            if wanted == "native":
                raise ImportError(
                    "HOOKGUARD_BACKEND=native, but this installation of hookguard has no native extension "
                    "(the py3-none-any wheel, which runs hookguard.wasm): install a platform wheel, or build one "
                    "(crates/hookguard-py/README.md)"
                ) from None
        else:
            if _native.ABI_VERSION != ABI_VERSION:
                raise ImportError(f"hookguard._native speaks ABI {_native.ABI_VERSION}, this package ABI {ABI_VERSION}")
            return "native", _native.Session, _native.Validator
    from ._wasm import Instance as WasmInstance

    return "wasm", WasmInstance, None


_backend, _make, _make_validator = _choose()

#: Which backend runs the core in this process: ``"native"`` or ``"wasm"``.
BACKEND: Final[str] = _backend


def new_instance() -> Instance:
    """A new instance of the core, in the backend this process uses."""
    return _make()


def validator(config: bytes) -> Any:
    """The native backend's validator for ``config`` (``validate`` and ``normalize`` on the
    core's own path, the report made as a dict without JSON text), or None on the wasm backend."""
    return _make_validator(config) if _make_validator is not None else None
