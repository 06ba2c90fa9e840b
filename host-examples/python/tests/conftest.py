"""The shared truth every host is held to, read from the repository."""

from __future__ import annotations

import json
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
