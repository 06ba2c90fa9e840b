"""Run by `scripts/just python-test` in a fresh virtual environment where only one built wheel
is installed (from outside the source tree): the wheel carries its backend and works as is, the
platform wheel on the native extension, the py3-none-any one on hookguard.wasm.
Usage: python installed_smoke.py FIXTURE EVENT_NAME WHEEL_FILE_NAME"""

import sys
from pathlib import Path

import hookguard

fixture, event_name, wheel = sys.argv[1], sys.argv[2], sys.argv[3]
assert "site-packages" in hookguard.__file__, f"imported from {hookguard.__file__}, not the installed wheel"
expected_backend = "wasm" if wheel.endswith("-py3-none-any.whl") else "native"
assert hookguard.backend == expected_backend, f"{wheel} runs the {hookguard.backend} backend"
report = hookguard.normalize(Path(fixture).read_bytes())
assert report["valid"] and report["event_name"] == event_name, report
assert report["normalized"]["event_name"] == event_name
admission = hookguard.Gate().admit({}, b"{")
assert admission["status"] == 400 and admission["problem"].startswith('{"type":"urn:hookguard:problem:invalid-delivery"')
print(f"installed {wheel}: hookguard {hookguard.version()} on the {hookguard.backend} backend, {event_name} valid")
