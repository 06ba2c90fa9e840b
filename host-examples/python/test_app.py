"""The example over real HTTP: uvicorn serving app.py on 127.0.0.1, a signed delivery handled
once (its copy acknowledged), an unsigned one refused with hookguard's answer."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SECRET = "whsec_example"
BODY = (ROOT / "tests/fixtures/seeds/account/BOOK_VERIFIED.json").read_bytes()


def test_the_example_receives_a_signed_delivery_once(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    events = tmp_path / "events.jsonl"
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "app:app", "--port", str(port), "--host", "127.0.0.1", "--log-level", "warning"],
        cwd=HERE,
        env={**os.environ, "OCROLUS_SECRET": SECRET, "EVENTS_FILE": str(events)},
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                health = httpx.get(f"{base}/health", timeout=1)
                break
            except httpx.HTTPError:
                assert time.monotonic() < deadline and server.poll() is None, "the example did not start"
                time.sleep(0.1)
        assert health.json()["backend"] in ("native", "wasm")
        timestamp = str(int(time.time()))
        signature = hmac.new(SECRET.encode(), f"{timestamp}.example-1.".encode() + BODY, hashlib.sha256).hexdigest()
        headers = {"content-type": "application/json", "webhook-signature": signature, "webhook-timestamp": timestamp, "webhook-request-id": "example-1"}
        first = httpx.post(f"{base}/webhooks/ocrolus", content=BODY, headers=headers)
        assert first.status_code == 200, first.text
        copy = httpx.post(f"{base}/webhooks/ocrolus", content=BODY, headers=headers)
        assert copy.status_code == 200 and copy.headers["x-hookguard-duplicate"] == "delivered"
        handled = [json.loads(line) for line in events.read_text().splitlines()]
        assert [entry["request_id"] for entry in handled] == ["example-1"]
        assert handled[0]["event"]["event_name"] == "book.verified"
        unsigned = httpx.post(f"{base}/webhooks/ocrolus", content=BODY, headers={"content-type": "application/json"})
        assert unsigned.status_code == 401
        assert unsigned.headers["content-type"] == "application/problem+json"
    finally:
        server.terminate()
        server.wait(timeout=20)
