"""What the fleet's memory in Redis adds per delivery in Python, against the gate's own memory,
in one run: signed deliveries (each a new request id) admitted and settled delivered through a
``Gate`` (the process's memory) and through a ``SharedGate`` on a real redis-server (sync
redis-py client, loopback), in alternating rounds so both see the same machine. Prints the best
round of each, per delivery, and what Redis adds. Usage: shared_cost.py REDIS_URL [DELIVERIES]"""

from __future__ import annotations

import hashlib
import hmac
import sys
import time
from pathlib import Path

import redis

import hookguard
from hookguard.shared import RedisMemory, SharedGate

ROOT = Path(__file__).resolve().parents[3]
BODY = (ROOT / "tests/fixtures/seeds/account/BOOK_VERIFIED.json").read_bytes()
SECRET = "whsec_shared_cost"


def deliveries(tag: str, count: int, now: int) -> list[dict[str, str]]:
    signed = []
    for number in range(count):
        request_id = f"{tag}-{number}"
        signature = hmac.new(SECRET.encode(), f"{now}.{request_id}.".encode() + BODY, hashlib.sha256).hexdigest()
        signed.append({"content-type": "application/json", "webhook-signature": signature, "webhook-timestamp": str(now), "webhook-request-id": request_id})
    return signed


def run(gate: hookguard.Gate | SharedGate, headers: list[dict[str, str]], now: int) -> float:
    started = time.perf_counter()
    for fields in headers:
        admission = gate.admit(fields, BODY, now)
        assert admission["passes"], admission.get("problem")
        gate.settle(admission, 200, now)
    return (time.perf_counter() - started) / len(headers)


def main() -> None:
    url = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    config = {"signature": {"secrets": [SECRET]}}
    process = hookguard.Gate(config)
    shared = SharedGate(hookguard.Gate(config), RedisMemory(redis.Redis.from_url(url, socket_timeout=1)))
    now = int(time.time())
    best = {"process": float("inf"), "redis": float("inf")}
    for round_number in range(5):
        for name, gate in (("process", process), ("redis", shared)):
            best[name] = min(best[name], run(gate, deliveries(f"{name}-{round_number}", count, now), now))
    print(f"| {count} signed deliveries, admit + settle | Gate (process memory) | SharedGate (Redis, sync client, loopback) | Redis adds |")
    print("|---|---:|---:|---:|")
    print(f"| per delivery (best of 5 rounds) | {best['process'] * 1e6:.0f} us | {best['redis'] * 1e6:.0f} us | {(best['redis'] - best['process']) * 1e6:.0f} us ({best['redis'] / best['process']:.2f}x) |")


if __name__ == "__main__":
    main()
