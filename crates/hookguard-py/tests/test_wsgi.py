"""The WSGI receivers over real HTTP: gunicorn on 127.0.0.1 serving a Flask app (the receiver
behind Werkzeug's dispatcher) and a Django site (``hookguard.django.webhook_view``, with
Django's CSRF and common middleware in place). Every fixture gets the exact answer every host
gives; valid deliveries reach the handler normalized; the delivery contract holds (2xx only once
the handler returned; a failed delivery's retry goes through; a delivered one's copy is
acknowledged); a body over the limit is refused before its end."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

import hookguard
from conftest import ANSWERS, VECTORS, VERDICTS, read
from test_asgi import answer_before_the_end

SITES = Path(__file__).parent / "wsgi_sites"
SECRET = VECTORS["secrets"]["current"]
NOW = VECTORS["now"]
JSON = {"content-type": "application/json"}


class Site:
    """A WSGI site under gunicorn (one sync worker), and what its handler saw."""

    def __init__(self, target: str, seen: Path) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.seen_file = seen
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{self.port}", "--workers", "1",
             "--chdir", str(SITES), "--log-level", "warning", target],
            env={**os.environ, "HOOKGUARD_TEST_SEEN": str(seen)},
        )
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.stop()
                    raise RuntimeError(f"gunicorn did not start {target}") from None
                time.sleep(0.1)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def seen(self) -> list[dict[str, Any]]:
        if not self.seen_file.exists():
            return []
        return [json.loads(line) for line in self.seen_file.read_text().splitlines()]

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)


@pytest.fixture(params=["flask_site:app", "django_site:application"], scope="module")
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    running = Site(request.param, tmp_path_factory.mktemp("seen") / "seen.jsonl")
    yield running
    running.stop()


def signed(request_id: str) -> tuple[dict[str, str], bytes]:
    body = next(vector for vector in VECTORS["cases"] if vector["name"] == "signed")["body"].encode()
    signature = hmac.new(SECRET.encode(), f"{NOW}.{request_id}.".encode() + body, hashlib.sha256).hexdigest()
    return {**JSON, "webhook-signature": signature, "webhook-timestamp": str(NOW), "webhook-request-id": request_id}, body


def test_every_fixture_gets_the_answer_every_host_gives(site: Site) -> None:
    before = len(site.seen())
    with httpx.Client(base_url=site.base) as client:
        for path, recorded in VERDICTS.items():
            response = client.post("/hooks", content=read(path), headers=JSON)
            expected = ANSWERS["bodies"].get(path)
            assert response.status_code == (expected["status"] if expected else 200), path
            if expected:
                assert response.content == expected["problem"].encode(), path
                assert response.headers["content-type"] == "application/problem+json"
            else:
                assert response.json() == {"received": True, "event_name": recorded["event_name"]}, path
        valid = [recorded for recorded in VERDICTS.values() if recorded["valid"]]
        seen = site.seen()[before:]
        assert [entry["event_name"] for entry in seen] == [recorded["event_name"] for recorded in valid]
        assert [entry["event"] for entry in seen] == [recorded["normalized"] for recorded in valid]
        for method, name in [("PUT", "method_not_allowed"), ("GET", "method_not_allowed")]:
            wrong = client.request(method, "/hooks", content=b"{}" if method == "PUT" else None, headers=JSON)
            assert wrong.status_code == ANSWERS["requests"][name]["status"], method
            assert wrong.content == ANSWERS["requests"][name]["problem"].encode(), method
            for header, value in ANSWERS["requests"][name]["headers"]:
                assert wrong.headers[header] == value, header
        wrong_type = client.post("/hooks", content=b"{}", headers={"content-type": "text/plain"})
        assert wrong_type.content == ANSWERS["requests"]["unsupported_media_type"]["problem"].encode()


def test_the_delivery_contract_holds(site: Site) -> None:
    with httpx.Client(base_url=site.base) as client:
        for prefix, status in [("raise", 500), ("status503", 503)]:
            request_id = f"{prefix}-{site.port}"
            headers, body = signed(request_id)
            failed = client.post("/signed", content=body, headers=headers)
            assert failed.status_code == status
            if prefix == "raise":
                assert failed.content == hookguard.Gate().handler_failed()["problem"].encode()
            # The sender retries: checked as a new delivery, handed on, handled.
            retried = client.post("/signed", content=body, headers=headers)
            assert retried.status_code == 200, retried.text
            assert "x-hookguard-duplicate" not in retried.headers
            # A copy of the delivered one is acknowledged, not handed on again.
            copy = client.post("/signed", content=body, headers=headers)
            assert copy.status_code == 200
            assert copy.headers["x-hookguard-duplicate"] == "delivered"
            handled = [entry for entry in site.seen() if entry["request_id"] == request_id]
            assert len(handled) == 1, handled
        tampered = client.post("/signed", content=body + b" ", headers=headers)
        assert tampered.status_code == 401
        assert tampered.json()["errors"][0]["code"] == "signature_mismatch"


def test_a_long_body_is_refused_before_its_end(site: Site) -> None:
    declared = answer_before_the_end(site.base, "/hooks", f"content-length: {1024 * 1024 + 1}\r\n", b'{"a":')
    assert declared.startswith(b"HTTP/1.1 413")
    assert ANSWERS["requests"]["too_large"]["problem"].encode() in declared
    streamed = answer_before_the_end(site.base, "/small", "transfer-encoding: chunked\r\n", b"1000\r\n" + b" " * 4096 + b"\r\n")
    assert streamed.startswith(b"HTTP/1.1 413")
    assert b"body_too_large" in streamed
