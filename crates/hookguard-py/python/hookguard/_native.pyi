# The native extension (crates/hookguard-py/src/lib.rs), present in the platform wheels.
from typing import Final

ABI_VERSION: Final[int]

class Session:
    def __init__(self) -> None: ...
    def call(self, name: str, *inputs: bytes) -> tuple[int, bytes, bytes | None]: ...
