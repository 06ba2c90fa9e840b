"""The receivers both WSGI test sites serve (Flask and Django, each under gunicorn): the same
routes and gates as the ASGI tests. The handler records what reached it in the file
``HOOKGUARD_TEST_SEEN`` names (the tests read it: the site runs in another process) and fails
the first attempt of a delivery whose request id asks (``raise-...``: raises; ``status503-...``:
returns 503), as a service that is down and then back."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import hookguard

ROOT = Path(__file__).resolve().parents[4]
VECTORS = json.loads((ROOT / "tests/fixtures/signatures/vectors.json").read_text())
NOW = VECTORS["now"]
SECRET = VECTORS["secrets"]["current"]


def handle(event: Any, delivery: dict[str, Any]) -> int | None:
    request_id = delivery.get("request_id") or ""
    seen_file = Path(os.environ["HOOKGUARD_TEST_SEEN"])
    failed_once = seen_file.with_name(f"{request_id}.failed")
    if request_id.startswith(("raise-", "status503-")) and not failed_once.exists():
        failed_once.touch()
        if request_id.startswith("raise-"):
            raise RuntimeError("the service is down")
        return 503
    with open(seen_file, "a", encoding="utf-8") as seen:
        seen.write(json.dumps({"event": event, "event_name": delivery.get("event_name"), "request_id": request_id}) + "\n")
    return None


def gates() -> dict[str, hookguard.Gate]:
    signature = {"secrets": [SECRET], "tolerance_seconds": VECTORS["tolerance_seconds"]}
    return {
        "/hooks": hookguard.Gate({"normalize": True}),
        "/signed": hookguard.Gate({"normalize": True, "signature": signature}),
        "/small": hookguard.Gate({"max_bytes": 1024}),
    }
