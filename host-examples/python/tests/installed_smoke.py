"""Run by `scripts/just python-test` in a fresh virtual environment where only the built wheel
is installed (from outside the source tree): the wheel carries the module and works as is.
Usage: python installed_smoke.py FIXTURE EVENT_NAME"""

import sys
from pathlib import Path

import hookguard

fixture, event_name = sys.argv[1], sys.argv[2]
assert "site-packages" in hookguard.__file__, f"imported from {hookguard.__file__}, not the installed wheel"
report = hookguard.normalize(Path(fixture).read_bytes())
assert report["valid"] and report["event_name"] == event_name, report
assert report["normalized"]["event_name"] == event_name
admission = hookguard.Gate().admit({}, b"{")
assert admission["status"] == 400 and admission["problem"].startswith('{"type":"urn:hookguard:problem:invalid-delivery"')
print(f"installed wheel: hookguard {hookguard.version()}, {event_name} valid")
