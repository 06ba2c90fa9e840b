"""The shared truth every host is held to, read from the repository."""

from __future__ import annotations

import json
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]


def read(relative: str) -> bytes:
    return (ROOT / relative).read_bytes()


def load(relative: str) -> Any:
    return json.loads(read(relative))


VERDICTS: dict[str, Any] = load("tests/expected/verdicts.json")
ANSWERS: dict[str, Any] = load("tests/expected/answers.json")
VECTORS: dict[str, Any] = load("tests/fixtures/signatures/vectors.json")


def hostile_cases() -> list[dict[str, Any]]:
    """The hostile corpus, each body built as tests/fixtures/hostile/README.md says."""
    manifest = load("tests/fixtures/hostile/cases.json")
    cases = []
    for case in manifest["cases"]:
        body = bytearray()
        for part in case["body"]:
            times = part.get("times", 1)
            if "file" in part:
                body += read(part["file"])
            elif "text" in part:
                body += part["text"].encode() * times
            elif "each" in part:
                for i in range(times):
                    body += part["each"].replace("{i}", str(i)).encode()
            elif "pad" in part:
                body += part["pad"].encode() * (part["to"] - len(body))
            else:
                raise AssertionError(f"unknown body part {part}")
        cases.append({**case, "body": bytes(body)})
    assert len(cases) >= 40, "the hostile corpus lost cases"
    return cases


def vector_headers(vector: dict[str, Any]) -> list[tuple[str, str]]:
    """A vector's header fields as sent: its headers, then its repeats."""
    return list(vector["headers"].items()) + [tuple(pair) for pair in vector.get("extra_headers", [])]


class RedisServer:
    """Debian's redis-server on a free 127.0.0.1 port, without persistence, for one test; its
    URL while the ``with`` block runs."""

    def __enter__(self) -> str:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("redis-server did not start") from None
                time.sleep(0.05)
        return f"redis://127.0.0.1:{self.port}"

    def __exit__(self, *_: object) -> None:
        self.process.kill()
        self.process.wait(timeout=10)
