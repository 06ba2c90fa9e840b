"""Misuse raises, naming what is wrong; nothing is left half-configured; the module never traps."""

from __future__ import annotations

from typing import Any

import pytest

import hookguard
from conftest import read

VERIFIED = read("tests/fixtures/seeds/account/BOOK_VERIFIED.json")


def test_bodies_must_be_bytes() -> None:
    assert hookguard.validate(bytearray(VERIFIED))["valid"]
    assert hookguard.validate(memoryview(VERIFIED))["valid"]
    for body in [VERIFIED.decode(), {"event_name": "book.verified"}, None, 1]:
        with pytest.raises(TypeError, match="raw bytes"):
            hookguard.validate(body)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("options", "error", "named"),
    [
        ({"strict": "yes"}, TypeError, "strict"),
        ({"max_bytes": True}, TypeError, "max_bytes"),
        ({"max_bytes": 1.5}, TypeError, "max_bytes"),
        ({"max_bytes": 9 * 1024 * 1024}, ValueError, "max_bytes"),
        ({"max_depth": 1000}, ValueError, "max_depth"),
        ({"max_findings": 0}, ValueError, "max_findings"),
        ({"overlay": {"hookguard_overlay": 1, "events": {"book.verified": {"fields": {"/book_pk": {"type": "string"}}}}}}, ValueError, "book_pk"),
        ({"overlay": "overlay.json"}, TypeError, "overlay"),
    ],
)
def test_bad_options_raise_naming_the_option_and_leave_the_instance_well(options: dict[str, Any], error: type[Exception], named: str) -> None:
    with pytest.raises(error, match=named):
        hookguard.validate(VERIFIED, **options)
    # The next call, with good options, is judged as always.
    assert hookguard.validate(VERIFIED)["valid"]
    assert hookguard.validate(VERIFIED, strict=True)["valid"]


def test_unknown_options_raise_type_error() -> None:
    with pytest.raises(TypeError):
        hookguard.validate(VERIFIED, max_body_bytes=10)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="max_body_bytes"):
        hookguard.Gate({"max_body_bytes": 10})
    with pytest.raises(TypeError, match="signature.tolerance"):
        hookguard.Gate({"signature": {"secrets": ["s"], "tolerance": 5}})
    with pytest.raises(TypeError, match="signature.required"):
        hookguard.Gate({"signature": {"secrets": ["s"], "required": "no"}})
    # An unknown policy is the core's to refuse: it lists the ones there are.
    with pytest.raises(ValueError, match="acknowledge"):
        hookguard.Gate({"signature": {"secrets": ["s"], "on_replay": "ignore"}})
    with pytest.raises(TypeError, match="normalize"):
        hookguard.normalize(VERIFIED, normalize=False)


def test_limits_apply_and_only_the_limit_is_copied() -> None:
    report = hookguard.validate(VERIFIED, max_bytes=100)
    assert not report["valid"]
    assert report["errors"][0]["code"] == "body_too_large"
    deep = b'{"event_name": "book.verified", "x": ' + b"[" * 40 + b"]" * 40 + b"}"
    assert hookguard.validate(deep)["errors"][0]["code"] == "too_deep"
    # A body of many megabytes is refused for its size without the module holding it.
    huge = b" " * (64 * 1024 * 1024)
    assert hookguard.validate(huge)["errors"][0]["code"] == "body_too_large"


def test_verify_misuse() -> None:
    with pytest.raises(TypeError, match="secrets"):
        hookguard.verify({}, b"{}", secrets="one-secret")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        hookguard.verify({}, b"{}", secrets=[])
    with pytest.raises(TypeError, match="headers"):
        hookguard.verify(42, b"{}", secrets=["s"])  # type: ignore[arg-type]


def test_catalog_schema_version() -> None:
    names = {event["name"] for event in hookguard.events()}
    assert {"book.verified", "BOOK_VERIFIED", "document.detect.signal_found"} <= names
    schema = hookguard.schema("book.verified")
    assert schema is not None and schema["properties"]["event_name"]["const"] == "book.verified"
    assert hookguard.schema("book.burned") is None
    assert hookguard.version().count(".") == 2
