"""The Lambda handler on the event documents of each format (``tests/fixtures/lambda``: API
Gateway REST 1.0, HTTP API 2.0, a function URL), each carrying every recorded fixture: the exact
answer every host gives, valid deliveries handed on normalized; base64 bodies; repeated and
mixed-case header names; the delivery contract. No Lambda runs here: the handler is given the
documents."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

import pytest

import hookguard
from conftest import ANSWERS, VECTORS, VERDICTS, load, read
from hookguard.aws_lambda import lambda_handler

FORMATS = ["rest-v1", "http-v2", "function-url"]


def event_of(form: str, body: bytes, fields: list[tuple[str, str]] = [], *, b64: bool = False, method: str = "POST") -> dict[str, Any]:
    event: dict[str, Any] = load(f"tests/fixtures/lambda/{form}.json")
    if form == "rest-v1":
        event["httpMethod"] = method
        for name, value in fields:
            event["headers"][name] = value
            event["multiValueHeaders"].setdefault(name, []).append(value)
    else:
        event["requestContext"]["http"]["method"] = method
        event["headers"]["content-length"] = str(len(body))
        for name, value in fields:
            lower = name.lower()
            # HTTP APIs join a repeated field's values with commas.
            event["headers"][lower] = f"{event['headers'][lower]},{value}" if lower in event["headers"] else value
    event["body"] = base64.b64encode(body).decode() if b64 else body.decode("utf-8", "surrogateescape")
    event["isBase64Encoded"] = b64
    return event


@pytest.mark.parametrize("form", FORMATS)
def test_every_fixture_gets_the_answer_every_host_gives(form: str) -> None:
    seen: list[Any] = []
    handler = lambda_handler(hookguard.Gate({"normalize": True}), lambda event, delivery: seen.append(event))
    for path, recorded in VERDICTS.items():
        body = read(path)
        # Bodies that are not UTF-8 arrive base64-encoded, as API Gateway sends binary bodies.
        try:
            body.decode("utf-8")
            b64 = len(path) % 2 == 0
        except UnicodeDecodeError:
            b64 = True
        result = handler(event_of(form, body, b64=b64), None)
        expected = ANSWERS["bodies"].get(path)
        assert result["statusCode"] == (expected["status"] if expected else 200), path
        assert result["isBase64Encoded"] is False
        if expected:
            assert result["body"] == expected["problem"], path
            assert list(result["headers"].items()) == [tuple(pair) for pair in expected["headers"]], path
        else:
            assert json.loads(result["body"]) == {"received": True, "event_name": recorded["event_name"]}, path
    assert seen == [recorded["normalized"] for recorded in VERDICTS.values() if recorded["valid"]]
    wrong = handler(event_of(form, b"{}", method="GET"), None)
    assert wrong["statusCode"] == 405
    assert wrong["headers"]["allow"] == "POST"


@pytest.mark.parametrize("form", FORMATS)
def test_signed_deliveries_a_repeated_signature_and_the_delivery_contract(form: str) -> None:
    secret = VECTORS["secrets"]["current"]
    body = next(vector for vector in VECTORS["cases"] if vector["name"] == "signed")["body"].encode()

    def sign(request_id: str) -> list[tuple[str, str]]:
        signature = hmac.new(secret.encode(), f"{VECTORS['now']}.{request_id}.".encode() + body, hashlib.sha256).hexdigest()
        return [("Webhook-Signature", signature), ("webhook-timestamp", str(VECTORS["now"])), ("Webhook-Request-ID", request_id)]

    failing = [True]
    handled: list[str] = []

    def handle(event: Any, delivery: dict[str, Any]) -> None:
        if failing[0]:
            raise RuntimeError("the service is down")
        handled.append(delivery["request_id"])

    handler = lambda_handler(hookguard.Gate({"signature": {"secrets": [secret]}}), handle, now=lambda: VECTORS["now"])
    request_id = f"lambda-{form}"
    assert handler(event_of(form, body, sign(request_id)), None)["statusCode"] == 500
    failing[0] = False
    assert handler(event_of(form, body, sign(request_id), b64=True), None)["statusCode"] == 200
    copy = handler(event_of(form, body, sign(request_id)), None)
    assert copy["statusCode"] == 200
    assert copy["headers"]["x-hookguard-duplicate"] == "delivered"
    assert handled == [request_id]
    repeated = handler(event_of(form, body, [*sign(f"{request_id}-2"), sign(f"{request_id}-2")[0]]), None)
    assert repeated["statusCode"] == 401
    assert json.loads(repeated["body"])["errors"][0]["code"] == "signature_duplicate_header"


def test_an_event_that_is_not_an_http_event_is_a_type_error() -> None:
    handler = lambda_handler(hookguard.Gate(), lambda event, delivery: None)
    with pytest.raises(TypeError):
        handler(None, None)  # type: ignore[arg-type]
