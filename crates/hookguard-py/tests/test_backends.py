"""The two backends: the suite runs whole against the one ``HOOKGUARD_BACKEND`` names (the
recipe runs it once for each), and here both are driven side by side in one process, every call
of the ABI a receiver makes answered with the same bytes by the native extension and by
hookguard.wasm, on every fixture and every hostile body."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

import hookguard
from conftest import ROOT, VERDICTS, VECTORS, hostile_cases, read, vector_headers

native = pytest.importorskip("hookguard._native", reason="an installation without the native extension (the py3-none-any wheel)")
from hookguard import _wasm  # noqa: E402


def test_the_suite_runs_on_the_backend_it_was_asked_for() -> None:
    asked = os.environ.get("HOOKGUARD_BACKEND")
    # Unasked, a process uses the native extension where it is installed (it is, here).
    assert hookguard.backend == (asked or "native")


def test_an_unknown_backend_is_refused_by_name() -> None:
    run = subprocess.run(
        [sys.executable, "-c", "import hookguard"],
        env={**os.environ, "HOOKGUARD_BACKEND": "jit"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode != 0
    assert "HOOKGUARD_BACKEND must be native or wasm, not 'jit'" in run.stderr


def test_a_first_validate_on_the_native_backend_imports_only_the_package() -> None:
    # The cold start of a short-lived process (a function, a script) is the package alone:
    # `json`, `typing` and the TypedDicts load when something asks for them.
    code = (
        "import sys, hookguard; report = hookguard.validate(b'{\"event_name\": \"book.verified\"}'); "
        "assert report['valid'] is False and report['errors'][0]['code'] == 'schema_violation'; "
        "print(sorted(name for name in ('json', 'typing', 'hookguard._types', 'hookguard._wasm') if name in sys.modules)); "
        "from hookguard import ValidationResult; print(ValidationResult.__name__, hookguard.DEFAULT_MAX_BYTES > 0)"
    )
    run = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "HOOKGUARD_BACKEND": "native"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert run.stdout.splitlines() == ["[]", "ValidationResult True"]


def test_a_bytearray_or_memoryview_gets_the_report_of_its_bytes() -> None:
    # On the native backend a contiguous buffer is read in place (the GIL held), anything else
    # copied; every way of holding the bytes gets their report, normalized payload included.
    bodies = [body for body in every_body() if len(body) <= 2 * 1024 * 1024]
    assert any(len(body) > 64 * 1024 for body in bodies)  # past the size checked without the GIL
    for body in bodies:
        expected = hookguard.normalize(body)
        interleaved = bytearray(len(body) * 2)
        interleaved[::2] = body
        held: list[bytearray | memoryview] = [bytearray(body), memoryview(body), memoryview(bytearray(body)), memoryview(interleaved)[::2]]
        if body and len(body) % 4 == 0:
            held.append(memoryview(body).cast("i"))  # another item format: its bytes, copied
        for view in held:
            assert hookguard.normalize(view) == expected, (type(view).__name__, body[:60])


def both(config: dict[str, object]) -> list[hookguard._module.Instance]:
    instances: list[hookguard._module.Instance] = [native.Session(), _wasm.Instance()]
    for instance in instances:
        status, result, _ = instance.call("hookguard_configure", json.dumps(config).encode())
        assert status == 0, result
    return instances


def same_answer(instances: list[hookguard._module.Instance], name: str, *inputs: bytes) -> None:
    answers = [instance.call(name, *inputs) for instance in instances]
    assert answers[0] == answers[1], (name, answers)


def every_body() -> list[bytes]:
    """Every fixture, every hostile body and the drift fixtures."""
    bodies = [read(path) for path in VERDICTS] + [case["body"] for case in hostile_cases()]
    return bodies + [path.read_bytes() for path in sorted((ROOT / "tests/fixtures/drift").rglob("*.json"))]


def test_every_body_gets_the_same_bytes_from_both_backends() -> None:
    bodies = every_body()
    plain = both({"normalize": True})
    revealing = both({"reveal_values": True, "max_findings": 3})
    for whole in bodies:
        # As the package hands bodies over: nothing past the read limit (one byte over the limit).
        body = whole[: hookguard.DEFAULT_MAX_BYTES + 1]
        for instances in (plain, revealing):
            same_answer(instances, "hookguard_validate", body)
            same_answer(instances, "hookguard_normalize", body)
            same_answer(instances, "hookguard_answer")
            same_answer(instances, "hookguard_admit", b'{"headers":[["content-type","application/json"]],"now":1767225600}', body)


def test_every_report_of_the_native_validator_is_the_abis_report_parsed() -> None:
    """``validate``'s native path makes the report's dict from the core's report directly: the
    same keys, in the same order, and values as parsing the JSON every host gives."""
    bodies = every_body()
    for config in ({}, {"reveal_values": True, "max_findings": 3, "strict": True}):
        encoded = json.dumps(config).encode()
        validator = native.Validator(encoded)
        (wasm,) = both(config)[1:]
        for whole in bodies:
            body = whole[: hookguard.DEFAULT_MAX_BYTES + 1]
            for normalize, name in ((False, "hookguard_validate"), (True, "hookguard_normalize")):
                made = validator.validate(body, normalize)
                _, parsed, _ = wasm.call(name, body)
                # Serialized alike: the same keys in the same order, the same values.
                assert json.dumps(made) == json.dumps(json.loads(parsed)), parsed[:200]


def test_signatures_screens_and_settlements_get_the_same_bytes_from_both_backends() -> None:
    secrets = VECTORS["secrets"]
    instances = both({"signature": {"secrets": [secrets["current"]], "tolerance_seconds": VECTORS["tolerance_seconds"]}})
    for vector in VECTORS["cases"]:
        request = {"headers": vector_headers(vector), "now": VECTORS["now"]}
        same_answer(instances, "hookguard_admit", json.dumps(request).encode(), vector["body"].encode())
        same_answer(instances, "hookguard_verify", json.dumps({**request, "secrets": list(secrets.values()), "tolerance_seconds": 300}).encode(), vector["body"].encode())
    for screened in [{"method": "PUT"}, {"method": "POST", "content_type": "text/plain"}, {"method": "POST", "content_type": "application/json", "content_length": 1 << 30}, {"method": "POST", "content_type": "application/json", "content_length": 10}]:
        same_answer(instances, "hookguard_screen", json.dumps(screened).encode())
    same_answer(instances, "hookguard_handler_failed")
    same_answer(instances, "hookguard_options")
    same_answer(instances, "hookguard_catalog")
    same_answer(instances, "hookguard_schema", b"book.verified")
    same_answer(instances, "hookguard_schema", b"no.such.event")
    # Misuse answers alike too: a configuration refused, an input that is not JSON.
    same_answer(instances, "hookguard_configure", b'{"max_bytes": -1}')
    same_answer(instances, "hookguard_settle", b"not json")
