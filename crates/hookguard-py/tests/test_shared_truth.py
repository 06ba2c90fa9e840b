"""The package held to what every host is held to: every fixture's verdict, findings and
normalized payload; every refused fixture's exact answer; the signature vectors; the hostile
corpus; the drift capture with and without its overlay."""

from __future__ import annotations

import json
from typing import Any

import pytest

import hookguard
from conftest import ANSWERS, VECTORS, VERDICTS, hostile_cases, load, read, vector_headers


def without_normalized(report: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in report.items() if key != "normalized"}


def test_every_fixture_gets_its_recorded_report() -> None:
    assert len(VERDICTS) > 100
    for path, recorded in VERDICTS.items():
        body = read(path)
        assert hookguard.normalize(body) == recorded, path
        assert hookguard.validate(body) == without_normalized(recorded), path


def test_every_fixture_gets_the_answer_every_host_gives_byte_for_byte() -> None:
    gate = hookguard.Gate()
    for path, recorded in VERDICTS.items():
        admission = gate.admit({}, read(path))
        expected = ANSWERS["bodies"].get(path)
        assert admission["passes"] == recorded["valid"], path
        assert admission["status"] == (expected["status"] if expected else 200), path
        assert admission.get("problem") == (expected["problem"] if expected else None), path
        assert admission.get("report") == without_normalized(recorded), path
    requests = ANSWERS["requests"]
    for args, recorded in [
        (("GET", "application/json"), "method_not_allowed"),
        (("POST", "text/plain"), "unsupported_media_type"),
        (("POST", None), "unsupported_media_type"),
        (("POST", "application/json", gate.max_bytes + 1), "too_large"),
    ]:
        answer = gate.screen(*args)
        assert answer is not None and answer["problem"] == requests[recorded]["problem"], args
        assert answer["status"] == requests[recorded]["status"]
        # The recorded header fields, exactly (Allow on a 405 from the core, not the receiver).
        assert answer["headers"] == [tuple(field) for field in requests[recorded]["headers"]], args
    assert gate.screen("POST", "application/json; charset=utf-8", 10) is None
    # A body over the limit is refused for its size, whatever else it is.
    assert gate.admit({}, b" " * (gate.max_bytes + 5))["problem"] == requests["too_large"]["problem"]


def test_what_a_receiver_decides_comes_from_the_module() -> None:
    gate = hookguard.Gate({"max_bytes": 100})
    assert (gate.max_bytes, gate.read_limit) == (100, 101)
    assert hookguard.DEFAULT_MAX_BYTES == 1024 * 1024
    assert hookguard.MAX_BYTES_CEILING == 8 * 1024 * 1024
    failed = gate.handler_failed()
    assert failed["status"] == 500 and not failed["passes"]
    assert failed["headers"] == [("content-type", "application/problem+json")]
    assert json.loads(failed["problem"])["detail"] == "the delivery was not handled; send it again"
    admission = hookguard.Gate().admit({}, read("tests/fixtures/seeds/account/BOOK_VERIFIED.json"))
    delivery = admission["delivery"]
    assert delivery["event_name"] == "book.verified" and delivery["signature"] is None
    assert {key: value for key, value in delivery.items() if key not in ("signature", "request_id")} == admission["report"]
    assert "delivery" not in hookguard.Gate().admit({}, b"{}")


def test_a_claim_settles_by_the_services_status_as_the_core_decides() -> None:
    signed = next(case for case in VECTORS["cases"] if case["name"] == "signed")
    gate = hookguard.Gate({"signature": {"secrets": [VECTORS["secrets"]["current"]]}})
    now = VECTORS["now"]
    body = signed["body"].encode()
    first = gate.admit(signed["headers"], body, now)
    gate.settle(first, 503, now)
    retry = gate.admit(signed["headers"], body, now)
    assert retry["verdict"] == "valid", "a 503 settled it failed: the retry is a new delivery"
    gate.settle(retry, 204, now)
    assert gate.admit(signed["headers"], body, now)["verdict"] == "duplicate"
    with pytest.raises(ValueError):
        gate.settle(retry, 42, now)
    with pytest.raises(TypeError):
        gate.settle(retry, True, now)  # type: ignore[arg-type]


@pytest.mark.parametrize("shape", ["pairs", "mapping_of_lists", "bytes_pairs"])
def test_signature_vectors_get_their_recorded_verdicts(shape: str) -> None:
    for vector in VECTORS["cases"]:
        secrets = [VECTORS["secrets"][name] for name in vector["secrets"]]
        fields = vector_headers(vector)
        headers: Any
        if shape == "pairs":
            headers = fields
        elif shape == "bytes_pairs":
            headers = [(name.encode(), value.encode()) for name, value in fields]
        else:
            headers = {}
            for name, value in fields:
                headers.setdefault(name, []).append(value)
        verdict = hookguard.verify(headers, vector["body"].encode(), secrets=secrets,
                                   tolerance_seconds=VECTORS["tolerance_seconds"], now=VECTORS["now"])
        expected = vector["expected"]["code"]
        assert (None if verdict["authentic"] else verdict["code"]) == expected, (shape, vector["name"])
        for secret in secrets:
            assert secret not in json.dumps(verdict)


def test_the_gate_admits_signed_deliveries_and_refuses_replays() -> None:
    secrets = [VECTORS["secrets"]["current"]]
    gate = hookguard.Gate({"signature": {"secrets": secrets, "tolerance_seconds": VECTORS["tolerance_seconds"], "on_replay": "reject"}})
    for vector in VECTORS["cases"]:
        if len(vector["secrets"]) != 1:
            continue
        admission = gate.admit(vector_headers(vector), vector["body"].encode(), VECTORS["now"])
        expected = "signature_replayed" if vector["expected"]["replayed"] else vector["expected"]["code"]
        if expected is None:
            assert admission["signature"] == "verified", vector["name"]
            assert admission["request_id"] == vector["headers"]["Webhook-Request-Id"]
            gate.settle(admission, "delivered", VECTORS["now"])
        else:
            assert not admission["passes"], vector["name"]
            assert json.loads(admission["problem"])["errors"][0]["code"] == expected, vector["name"]


def test_the_hostile_corpus_gets_its_verdicts_without_quoting_payloads() -> None:
    for case in hostile_cases():
        report = hookguard.validate(case["body"])
        expected = case["expected"]
        name = case["name"]
        assert report["valid"] == expected["valid"], name
        if expected["valid"]:
            assert report["event_name"] == expected["event_name"], name
            assert report["errors"] == [], name
        else:
            located = [{"code": e["code"], "instanceLocation": e["instanceLocation"]} for e in report["errors"]]
            assert located == expected["errors"], name
        assert report.get("omitted") == expected.get("omitted"), name
        if case.get("private"):
            assert case["private"] not in json.dumps(report), name


def test_the_drift_capture_gets_its_recorded_reports_with_and_without_the_overlay() -> None:
    recorded = load("tests/expected/drift-verdicts.json")
    overlay = load(recorded["overlay"])
    lines = [line for line in read(recorded["capture"]).split(b"\n") if line]
    assert len(lines) == len(recorded["lines"]) > 50
    for index, (line, expected) in enumerate(zip(lines, recorded["lines"])):
        assert hookguard.normalize(line, **recorded["options"]) == expected["without_overlay"], index
        assert hookguard.normalize(line, overlay=overlay, **recorded["options"]) == expected["with_overlay"], index
