"""The WebAssembly wheel's files: the package's sources in ../python/hookguard with
hookguard.wasm (copied there by `scripts/just python`), without the native extension an
editable install of the platform build may have left beside them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

NATIVE = {".so", ".pyd", ".dylib", ".pyc"}


class WasmWheelFiles(BuildHookInterface):
    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        package = Path(self.root).parent / "python" / "hookguard"
        if not (package / "hookguard.wasm").is_file():
            raise RuntimeError(f"{package / 'hookguard.wasm'} is missing: build it with `scripts/just python`")
        for path in sorted(package.rglob("*")):
            if path.is_file() and path.suffix not in NATIVE and "__pycache__" not in path.parts:
                build_data["force_include"][str(path)] = f"hookguard/{path.relative_to(package).as_posix()}"
