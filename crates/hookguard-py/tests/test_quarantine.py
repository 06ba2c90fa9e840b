"""The quarantine in the Python package, over real HTTP (uvicorn on 127.0.0.1): an authentic
delivery refused for its content is kept once in a real directory whatever the retry, its answer
naming the entry (202 with answer: accept); forged and valid deliveries are never kept; a store
that fails gives store_down's answer; the bounds hold; a receiver whose quarantine cannot work
does not start."""

from __future__ import annotations

import hashlib
import hmac
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Route

import hookguard
from hookguard.asgi import WebhookReceiver
from hookguard.quarantine import DirectoryQuarantine, RedisQuarantine
from conftest import RedisServer
from test_asgi import Server

SECRET = "whsec_python_quarantine"
NOW = 1_800_000_000
VALID = b'{"event_name": "book.verified", "status": "BOOK_COMPLETE", "book_pk": 1, "book_uuid": "8ef7a1e1-fc97-42f9-81ea-ef357b333117"}'


def drifted(book_pk: int = 1) -> bytes:
    return (
        '{"event_name": "book.verified", "status": "BOOK_PARTIALLY_VERIFIED", '
        f'"book_pk": {book_pk}, "book_uuid": "8ef7a1e1-fc97-42f9-81ea-ef357b333117"}}'
    ).encode()


def signed(body: bytes, request_id: str, timestamp: int = NOW, secret: str = SECRET) -> dict[str, str]:
    signature = hmac.new(secret.encode(), f"{timestamp}.{request_id}.".encode() + body, hashlib.sha256).hexdigest()
    return {
        "content-type": "application/json",
        "webhook-signature": signature,
        "webhook-timestamp": str(timestamp),
        "webhook-request-id": request_id,
    }


def gate(quarantine: dict[str, Any] | None) -> hookguard.Gate:
    config: dict[str, Any] = {"signature": {"secrets": [SECRET]}}
    if quarantine is not None:
        config["quarantine"] = quarantine
    return hookguard.Gate(config)


def entries(directory: Path) -> list[str]:
    return sorted(path.name for path in directory.glob("*.http"))


class Refuse:
    async def __call__(self, event: Any, delivery: dict[str, Any]) -> None:
        raise AssertionError("a refused delivery reached the handler")


def test_a_drifted_delivery_is_kept_once_over_http_and_named_in_the_answer(tmp_path: Path) -> None:
    seen: list[dict[str, Any]] = []

    async def handle(event: Any, delivery: dict[str, Any]) -> None:
        seen.append(delivery)

    app = Starlette(routes=[
        Route("/kept", WebhookReceiver(gate({"directory": str(tmp_path)}), handle, now=lambda: NOW)),
        Route("/plain", WebhookReceiver(gate(None), Refuse(), now=lambda: NOW)),
        Route("/accept", WebhookReceiver(gate({"directory": str(tmp_path / "accept"), "answer": "accept"}), Refuse(), now=lambda: NOW)),
    ])
    body = drifted()
    with Server(app) as base, httpx.Client(base_url=base) as client:
        plain = client.post("/plain", content=body, headers=signed(body, "msg_drift"))
        answers = [
            client.post("/kept", content=body, headers=signed(body, "msg_drift")),
            client.post("/kept", content=body, headers=signed(body, "msg_drift")),
            client.post("/kept", content=body, headers=signed(body, "msg_drift", NOW - 60)),
        ]
        forged = client.post("/kept", content=body, headers=signed(body, "msg_forged", secret="whsec_forger"))
        valid = client.post("/kept", content=VALID, headers=signed(VALID, "msg_valid"))
        accepted = client.post("/accept", content=body, headers=signed(body, "msg_accept"))

    files = entries(tmp_path)
    assert len(files) == 1, "one entry for the delivery and its retries; none for forged or valid ones"
    entry_id = files[0].removesuffix(".http")
    for answer in answers:
        assert answer.status_code == 400
        assert answer.headers["x-hookguard-quarantine"] == entry_id
        assert answer.content == plain.content, "the refusal itself is unchanged"
    assert "x-hookguard-quarantine" not in plain.headers
    assert forged.status_code == 401 and "x-hookguard-quarantine" not in forged.headers
    assert valid.status_code == 200 and len(seen) == 1

    kept = (tmp_path / files[0]).read_bytes()
    assert kept.endswith(body)
    head = kept[: len(kept) - len(body)].decode("ascii")
    assert head.startswith("POST /hookguard/quarantine HTTP/1.1\r\n")
    assert "\r\nwebhook-request-id: msg_drift\r\n" in head
    assert f"\r\nx-hookguard-first-seen: {NOW}\r\n" in head
    assert '\r\nx-hookguard-findings: [{"code":"schema_violation","instanceLocation":"/status"}]\r\n' in head
    assert "BOOK_PARTIALLY_VERIFIED" not in head

    assert accepted.status_code == 202
    assert accepted.headers["content-type"] == "application/json"
    assert accepted.json()["errors"][0]["instanceLocation"] == "/status"
    assert entries(tmp_path / "accept") == [accepted.headers["x-hookguard-quarantine"] + ".http"]


class Failing:
    def keep(self, entry: Any, body: bytes, now: int | None, gate: Any) -> Any:
        raise OSError(28, "No space left on device: /secret/path")


def test_a_store_that_fails_gives_store_down(caplog: pytest.LogCaptureFixture) -> None:
    refusing = WebhookReceiver(gate({}), Refuse(), now=lambda: NOW, quarantine=Failing())
    processing = WebhookReceiver(gate({"store_down": "process"}), Refuse(), now=lambda: NOW, quarantine=Failing())
    app = Starlette(routes=[Route("/refuse", refusing), Route("/process", processing)])
    body = drifted()
    with Server(app) as base, httpx.Client(base_url=base) as client:
        refused = client.post("/refuse", content=body, headers=signed(body, "msg_down"))
        plain = client.post("/process", content=body, headers=signed(body, "msg_down"))
    assert refused.status_code == 503
    assert refused.headers["retry-after"] == "10"
    assert "quarantine" in refused.json()["detail"]
    assert plain.status_code == 400 and "x-hookguard-quarantine" not in plain.headers
    lines = [record.getMessage() for record in caplog.records if "quarantine" in record.getMessage()]
    assert lines and "(ENOSPC)" in lines[0]
    assert all("msg_down" not in line and "BOOK_PARTIALLY" not in line and "/secret" not in line for line in lines)


def test_the_bounds_hold_and_expired_entries_go(tmp_path: Path) -> None:
    keeping = gate({"directory": str(tmp_path), "max_entries": 2})
    store = DirectoryQuarantine(keeping)
    ids = []
    for index, request_id in enumerate(["msg_1", "msg_2", "msg_3"]):
        at = NOW + index * 10
        body = drifted(index + 1)
        admission = keeping.admit(signed(body, request_id, at), body, at)
        entry = admission["quarantine"]
        assert store.keep(entry, body, at)["kept"]
        assert store.keep(entry, body, at) == {"kept": False, "evicted": 0}, "a retry is not kept again"
        ids.append(entry["id"])
    assert entries(tmp_path) == sorted(f"{entry_id}.http" for entry_id in ids[1:])
    later = NOW + 7 * 24 * 3600 + 100
    body = drifted(9)
    entry = keeping.admit(signed(body, "msg_later", later), body, later)["quarantine"]
    assert store.keep(entry, body, later) == {"kept": True, "evicted": 2}
    assert entries(tmp_path) == [f"{entry['id']}.http"]


def test_the_receiver_counts_on_its_store(tmp_path: Path) -> None:
    from hookguard.quarantine import keep_refused

    keeping = gate({"directory": str(tmp_path), "max_entries": 1})
    store = DirectoryQuarantine(keeping)
    for index, request_id in enumerate(["msg_a", "msg_a", "msg_b"]):
        body = drifted(index)
        admission = keeping.admit(signed(body, request_id), body, NOW)
        assert keep_refused(keeping, admission, body, store, NOW)["status"] == 400
    assert store.stats == {"kept": 2, "already_kept": 1, "evicted": 1, "unavailable": 0}


def test_a_quarantine_that_cannot_work_stops_the_receiver_at_start(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    with pytest.raises(OSError):
        WebhookReceiver(gate({"directory": str(blocker / "quarantine")}), Refuse())
    with pytest.raises(TypeError, match="quarantine.directory"):
        WebhookReceiver(gate({}), Refuse())
    with pytest.raises(ValueError, match=re.escape("unsigned: true")):
        hookguard.Gate({"quarantine": {"directory": str(tmp_path)}})
    with pytest.raises(TypeError, match="quarantine.keep_for"):
        gate({"keep_for": 5})
    assert hookguard.Gate({"quarantine": {"unsigned": True, "directory": str(tmp_path)}}).quarantine == {"unsigned": True, "directory": str(tmp_path)}


def test_two_receivers_keep_a_drifted_delivery_once_in_redis() -> None:
    import redis

    with RedisServer() as url:
        client = redis.Redis.from_url(url, socket_timeout=2)
        receivers = [
            WebhookReceiver(gate({}), Refuse(), quarantine=RedisQuarantine(client))
            for _ in range(2)
        ]
        app = Starlette(routes=[Route("/one", receivers[0]), Route("/two", receivers[1])])
        body = drifted()
        now = int(__import__("time").time())
        with Server(app) as base, httpx.Client(base_url=base) as http:
            answers = [
                http.post(path, content=body, headers=signed(body, "msg_fleet", timestamp))
                for path, timestamp in [("/one", now), ("/two", now), ("/one", now + 1)]
            ]
            entry_id = answers[0].headers["x-hookguard-quarantine"]
            assert all(answer.status_code == 400 for answer in answers)
            assert {answer.headers["x-hookguard-quarantine"] for answer in answers} == {entry_id}
            assert client.zcard("hookguard:quarantine:index") == 1
            kept = client.get(f"hookguard:quarantine:entry:{entry_id}")
            assert isinstance(kept, bytes) and kept.endswith(body)
            assert b"\r\nwebhook-request-id: msg_fleet\r\n" in kept
        client.close()


def test_a_redis_quarantine_needs_a_sync_client() -> None:
    import redis
    import redis.asyncio

    RedisQuarantine(redis.Redis())
    with pytest.raises(TypeError, match="sync client"):
        RedisQuarantine(redis.asyncio.Redis())
    with pytest.raises(TypeError, match="redis-py client"):
        RedisQuarantine(object())
