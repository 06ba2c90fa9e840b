"""What both backends speak: the ABI's version and status codes (``docs/abi.md``), and the error
raised when the core refuses a call the package made."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Final

#: The ABI this package speaks (``hookguard_abi_version``).
ABI_VERSION: Final = 2

#: Status codes (``docs/abi.md``).
OK: Final = 0
INVALID: Final = 1
BAD_BUFFER: Final = -1
BAD_OPTIONS: Final = -2
BAD_FREE: Final = -3


class ModuleError(RuntimeError):
    """The core refused a call the package made (a defect of this package, never of a body)."""
