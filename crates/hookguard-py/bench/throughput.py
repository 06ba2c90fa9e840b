"""Payloads per second of ``hookguard.validate(bytes)`` (on this process's backend:
``HOOKGUARD_BACKEND``) against what a Python team writes, one validator per event schema picked
by ``event_name`` (Draft 2020-12, formats checked): ``json.loads`` with python-jsonschema,
fastjsonschema and jsonschema-rs, and ``orjson.loads`` with jsonschema-rs; same lines, same
process, best of three passes after a warm-up. hookguard is timed twice: reading
``report["valid"]``, and reading every member of the report. Then where a call's time goes and
the cold start.

Usage: python bench/throughput.py CAPTURE.ndjson [LINES]   (run by `scripts/just python-bench`)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable

import fastjsonschema
import jsonschema
import jsonschema_rs
import orjson

import hookguard
from hookguard import _module

ROOT = Path(__file__).resolve().parents[3]


def schemas() -> tuple[dict[str, Any], Any]:
    events = {path.stem: json.loads(path.read_text()) for path in (ROOT / "schemas/events").glob("*.json")}
    return events, json.loads((ROOT / "schemas/test-delivery.json").read_text())


def per_event(compile: Callable[[Any], Callable[[Any], bool]], loads: Callable[[bytes], Any] = json.loads) -> Callable[[bytes], bool]:
    events, test_delivery = schemas()
    by_name = {name: compile(schema) for name, schema in events.items()}
    test = compile(test_delivery)

    def check(line: bytes) -> bool:
        try:
            payload = loads(line)
        except ValueError:
            return False
        if not isinstance(payload, dict):
            return False
        if "event_name" not in payload:
            return test(payload)
        validator = by_name.get(payload["event_name"]) if isinstance(payload["event_name"], str) else None
        return validator(payload) if validator else False

    return check


def python_jsonschema(schema: Any) -> Callable[[Any], bool]:
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    return validator.is_valid


def fast(schema: Any) -> Callable[[Any], bool]:
    validate = fastjsonschema.compile(schema)

    def check(payload: Any) -> bool:
        try:
            validate(payload)
        except fastjsonschema.JsonSchemaException:
            return False
        return True

    return check


def rust(schema: Any) -> Callable[[Any], bool]:
    validator = jsonschema_rs.Draft202012Validator(schema, validate_formats=True)
    return validator.is_valid


def whole_report(line: bytes) -> bool:
    report = hookguard.validate(line)
    for name in report:
        report[name]  # type: ignore[literal-required]
    return report["valid"]


def rates(lines: list[bytes], checks: list[Callable[[bytes], bool]], rounds: int = 5) -> list[float]:
    """Each check's best rate over `rounds` passes, the checks taking turns within each round:
    this machine's noise comes in bursts of seconds, and taking turns lets a burst slow every
    check alike instead of one check's every pass (runs of three passes per check, one check
    after another, once put the same build at 0.54x and 1.13x of a baseline)."""
    for check in checks:
        for line in lines[:1000]:
            check(line)
    best = [float("inf")] * len(checks)
    for _ in range(rounds):
        for index, check in enumerate(checks):
            started = time.perf_counter()
            for line in lines:
                check(line)
            best[index] = min(best[index], time.perf_counter() - started)
    return [len(lines) / seconds for seconds in best]


def main() -> None:
    capture = Path(sys.argv[1])
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
    lines = [line for line in capture.read_bytes().split(b"\n") if line][:count]
    ours, whole, *baselines = rates(lines, [
        lambda line: hookguard.validate(line)["valid"],
        whole_report,
        per_event(python_jsonschema),
        per_event(fast),
        per_event(rust),
        per_event(rust, orjson.loads),
    ])
    cells = " | ".join(f"{baseline:,.0f} ({ours / baseline:.2f}x)" for baseline in baselines)
    print(f"| {capture.name} ({len(lines)}) | {hookguard.backend} | {ours:,.0f} | {whole:,.0f} | {cells} |")


def crossing() -> None:
    """Where one call's time goes: a call that does nothing, the copy in and out, the module."""
    instance = _module.new_instance()
    body = (ROOT / "tests/fixtures/seeds/account/BOOK_VERIFIED.json").read_bytes()
    n = 20000

    def timed(work: Callable[[], object]) -> float:
        started = time.perf_counter()
        for _ in range(n):
            work()
        return (time.perf_counter() - started) / n * 1e6

    empty = timed(lambda: instance.call("hookguard_version"))
    validate = timed(lambda: instance.call("hookguard_validate", body))
    whole = timed(lambda: hookguard.validate(body))
    print(f"per call ({len(body)}-byte delivery): a call returning at once {empty:.1f} us (the crossing: "
          f"one call, the result's place read from memory), validate through the ABI {validate:.1f} us, "
          f"hookguard.validate {whole:.1f} us (options, the report made into a dict) [{hookguard.backend} backend]")


def cold_import() -> None:
    # As an installed package starts: its bytecode cached (pip compiles it when installing), so
    # the first of the runs writes it and is left out; PYTHONDONTWRITEBYTECODE would time the
    # compiler instead.
    code = "import time; t=time.perf_counter(); import hookguard; hookguard.validate(b'{}'); print(time.perf_counter()-t)"
    environment = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    runs = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=environment).stdout) for _ in range(4)][1:]
    print(f"cold start ({hookguard.backend} backend; import + first validate, bytecode cached): best of 3 {min(runs) * 1000:.0f} ms")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--crossing"]:
        crossing()
        cold_import()
    else:
        main()
