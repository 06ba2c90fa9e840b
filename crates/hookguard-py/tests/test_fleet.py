"""A Python fleet on one real Redis (Debian's redis-server, started here): the ASGI receiver
under ``uvicorn --workers 2`` and under gunicorn with two uvicorn workers, with the sync and the
asyncio client. Every delivery is handled once across the workers, whichever a copy reaches:
concurrent copies, later copies, a failed delivery's retry on the other worker, a restarted
fleet; with the store down, the configured policy answers."""

from __future__ import annotations

import concurrent.futures
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

from conftest import RedisServer, read

SECRET = "whsec_python_fleet"
BODY = read("tests/fixtures/seeds/account/BOOK_VERIFIED.json")
APP_DIR = Path(__file__).parent / "wsgi_sites"


def signed(request_id: str, timestamp: int | None = None) -> dict[str, str]:
    at = int(time.time()) if timestamp is None else timestamp
    signature = hmac.new(SECRET.encode(), f"{at}.{request_id}.".encode() + BODY, hashlib.sha256).hexdigest()
    return {"content-type": "application/json", "webhook-signature": signature, "webhook-timestamp": str(at), "webhook-request-id": request_id}


class Fleet:
    """Two worker processes on one port, under `server` (uvicorn or gunicorn)."""

    def __init__(self, server: str, redis_url: str, seen: Path, *, asyncio_client: bool, policy: str = "refuse") -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.seen_file = seen
        if server == "uvicorn":
            command = [sys.executable, "-m", "uvicorn", "fleet_app:app", "--workers", "2", "--host", "127.0.0.1",
                       "--port", str(self.port), "--app-dir", str(APP_DIR), "--log-level", "warning"]
        else:
            command = [sys.executable, "-m", "gunicorn", "-k", "uvicorn_worker.UvicornWorker", "--workers", "2",
                       "--bind", f"127.0.0.1:{self.port}", "--chdir", str(APP_DIR), "--log-level", "warning", "fleet_app:app"]
        environment = {**os.environ, "HOOKGUARD_REDIS": redis_url, "HOOKGUARD_SECRET": SECRET,
                       "HOOKGUARD_TEST_SEEN": str(seen), "HOOKGUARD_STORE_POLICY": policy,
                       "PYTHONPATH": os.pathsep.join([str(APP_DIR), os.environ.get("PYTHONPATH", "")])}
        if asyncio_client:
            environment["HOOKGUARD_ASYNC"] = "1"
        self.process = subprocess.Popen(command, env=environment)
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.post(f"{self.base}/hooks", content=b"{}", headers={"content-type": "application/json"}, timeout=1).status_code == 401:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.stop()
                raise RuntimeError(f"the {server} fleet did not start")
            time.sleep(0.1)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def handled(self, request_id: str) -> list[dict[str, Any]]:
        time.sleep(0.3)
        if not self.seen_file.exists():
            return []
        entries = [json.loads(line) for line in self.seen_file.read_text().splitlines()]
        return [entry for entry in entries if entry["request_id"] == request_id]

    def post(self, request_id: str, timestamp: int | None = None) -> httpx.Response:
        # A connection each: the copies spread over both workers.
        return httpx.post(f"{self.base}/hooks", content=BODY, headers=signed(request_id, timestamp), timeout=10)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


@pytest.fixture(params=[("uvicorn", False), ("uvicorn", True), ("gunicorn", False)], ids=["uvicorn-sync", "uvicorn-asyncio", "gunicorn-sync"])
def fleet(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Fleet, str, RedisServer]]:
    server, asyncio_client = request.param
    redis_server = RedisServer()
    url = redis_server.__enter__()
    running = Fleet(server, url, tmp_path / "seen.jsonl", asyncio_client=asyncio_client)
    yield running, url, redis_server
    running.stop()
    redis_server.__exit__()


def test_copies_across_the_workers_are_handled_once(fleet: tuple[Fleet, str, RedisServer]) -> None:
    running, _, _ = fleet
    for number in range(4):
        request_id = f"copy-{number}"
        timestamp = int(time.time())
        with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool:
            statuses = sorted(pool.map(lambda _: running.post(request_id, timestamp).status_code, range(16)))
        assert statuses.count(200) >= 1 and set(statuses) <= {200, 503}, statuses
        for _ in range(4):
            later = running.post(request_id)
            assert later.status_code == 200
            assert later.headers["x-hookguard-duplicate"] == "delivered"
        assert len(running.handled(request_id)) == 1, request_id


def test_a_failed_delivery_is_retried_and_a_restarted_fleet_remembers(fleet: tuple[Fleet, str, RedisServer], tmp_path: Path) -> None:
    running, url, _ = fleet
    failed = running.post("fail-1")
    assert failed.status_code == 500
    retried = running.post("fail-1", int(time.time()) + 1)
    assert retried.status_code == 200, retried.text
    assert "x-hookguard-duplicate" not in retried.headers
    assert len(running.handled("fail-1")) == 1
    # Another fleet on the same Redis (as after a restart) acknowledges what this one delivered.
    restarted = Fleet("uvicorn", url, tmp_path / "restarted.jsonl", asyncio_client=False)
    try:
        copy = restarted.post("fail-1")
        assert copy.status_code == 200
        assert copy.headers["x-hookguard-duplicate"] == "delivered"
        assert restarted.handled("fail-1") == []
    finally:
        restarted.stop()


def test_with_the_store_down_the_policy_answers(tmp_path: Path) -> None:
    with RedisServer() as url:
        pass  # started and stopped: nothing listens there any more
    refusing = Fleet("uvicorn", url, tmp_path / "refusing.jsonl", asyncio_client=False)
    processing = Fleet("uvicorn", url, tmp_path / "processing.jsonl", asyncio_client=True, policy="process")
    try:
        began = time.monotonic()
        refused = refusing.post("down-1")
        assert refused.status_code == 503
        assert refused.headers["retry-after"] == "10"
        assert refused.json()["type"] == "urn:hookguard:problem:store-unavailable"
        assert time.monotonic() - began < 5
        taken = processing.post("down-2")
        assert taken.status_code == 200
        assert len(processing.handled("down-2")) == 1
    finally:
        refusing.stop()
        processing.stop()
