"""The ASGI receiver over real HTTP: uvicorn on 127.0.0.1 serving a FastAPI app and a Starlette
app, each with the receiver as a route. Every fixture gets the exact answer every host gives; valid
deliveries reach the handler with their report; the delivery contract holds (2xx only once the
handler returned; a failed delivery's retry goes through; a delivered one's copy is
acknowledged); a body over the limit is refused before its end."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

import hookguard
from hookguard.asgi import WebhookReceiver
from conftest import ANSWERS, VECTORS, VERDICTS, read

SECRET = VECTORS["secrets"]["current"]
NOW = VECTORS["now"]


class Handler:
    """Records what reached it; fails as the request asks (``x-test-outcome``)."""

    def __init__(self) -> None:
        self.seen: list[tuple[Any, dict[str, Any]]] = []
        self.outcomes: dict[str, str] = {}

    async def __call__(self, event: Any, delivery: dict[str, Any]) -> Any:
        outcome = self.outcomes.pop(delivery.get("request_id") or "", "ok")
        if outcome == "raise":
            raise RuntimeError("the service is down")
        if outcome == "status-503":
            return PlainTextResponse("busy", status_code=503)
        self.seen.append((event, delivery))
        return None


class Server:
    def __init__(self, app: Any) -> None:
        self.config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
        self.server = uvicorn.Server(self.config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    def __exit__(self, *_: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def apps(handler: Handler) -> dict[str, Any]:
    def receiver(config: dict[str, Any]) -> WebhookReceiver:
        return WebhookReceiver(hookguard.Gate(config), handler, now=lambda: NOW)

    signed = {"normalize": True, "signature": {"secrets": [SECRET], "tolerance_seconds": VECTORS["tolerance_seconds"]}}
    # A route, not a mount: a mount answers its own path with a redirect to the path with a
    # slash, which a sender does not follow with its POST.
    fastapi = FastAPI()
    fastapi.add_route("/hooks", receiver({"normalize": True}))
    fastapi.add_route("/signed", receiver(signed))
    fastapi.add_route("/small", receiver({"max_bytes": 1024}))
    starlette = Starlette(routes=[
        Route("/hooks", receiver({"normalize": True})),
        Route("/signed", receiver(signed)),
        Route("/small", receiver({"max_bytes": 1024})),
    ])
    return {"fastapi": fastapi, "starlette": starlette}


@pytest.fixture(params=["fastapi", "starlette"])
def served(request: pytest.FixtureRequest) -> Iterator[tuple[str, Handler]]:
    handler = Handler()
    with Server(apps(handler)[request.param]) as base:
        yield base, handler


JSON = {"content-type": "application/json"}


def signed(request_id: str) -> tuple[dict[str, str], bytes]:
    body = next(vector for vector in VECTORS["cases"] if vector["name"] == "signed")["body"].encode()
    signature = hmac.new(SECRET.encode(), f"{NOW}.{request_id}.".encode() + body, hashlib.sha256).hexdigest()
    return {**JSON, "webhook-signature": signature, "webhook-timestamp": str(NOW), "webhook-request-id": request_id}, body


def test_every_fixture_gets_the_answer_every_host_gives(served: tuple[str, Handler]) -> None:
    base, handler = served
    with httpx.Client(base_url=base) as client:
        for path, recorded in VERDICTS.items():
            response = client.post("/hooks", content=read(path), headers=JSON)
            expected = ANSWERS["bodies"].get(path)
            assert response.status_code == (expected["status"] if expected else 200), path
            if expected:
                assert response.content == expected["problem"].encode(), path
                assert response.headers["content-type"] == "application/problem+json"
            else:
                assert response.json() == {"received": True, "event_name": recorded["event_name"]}, path
        valid = [recorded for recorded in VERDICTS.values() if recorded["valid"]]
        assert [delivery["event_name"] for _, delivery in handler.seen] == [recorded["event_name"] for recorded in valid]
        assert [event for event, _ in handler.seen] == [recorded["normalized"] for recorded in valid]
        wrong_method = client.put("/hooks", content=b"{}", headers=JSON)
        assert wrong_method.status_code == 405
        assert wrong_method.content == ANSWERS["requests"]["method_not_allowed"]["problem"].encode()
        for name, value in ANSWERS["requests"]["method_not_allowed"]["headers"]:
            assert wrong_method.headers[name] == value, name
        wrong_type = client.post("/hooks", content=b"{}", headers={"content-type": "text/plain"})
        assert wrong_type.content == ANSWERS["requests"]["unsupported_media_type"]["problem"].encode()


def test_the_delivery_contract_holds(served: tuple[str, Handler]) -> None:
    base, handler = served
    with httpx.Client(base_url=base) as client:
        for outcome, status in [("raise", 500), ("status-503", 503)]:
            request_id = f"req-asgi-{outcome}"
            headers, body = signed(request_id)
            handler.outcomes[request_id] = outcome
            failed = client.post("/signed", content=body, headers=headers)
            assert failed.status_code == status
            if outcome == "raise":
                # The core's handler-failed answer, as every host sends it.
                failed_answer = hookguard.Gate().handler_failed()
                assert failed.content == failed_answer["problem"].encode()
                assert failed.headers["content-type"] == "application/problem+json"
            # The sender retries: checked as a new delivery, handed on, handled.
            retried = client.post("/signed", content=body, headers=headers)
            assert retried.status_code == 200, retried.text
            assert "x-hookguard-duplicate" not in retried.headers
            assert handler.seen[-1][1]["request_id"] == request_id
            assert handler.seen[-1][1]["signature"] == "verified"
            # A copy of the delivered one is acknowledged, not handed on again.
            handler.outcomes[request_id] = "raise"
            copy = client.post("/signed", content=body, headers=headers)
            assert copy.status_code == 200
            assert copy.headers["x-hookguard-duplicate"] == "delivered"
            handler.outcomes.pop(request_id, None)
        tampered = client.post("/signed", content=body + b" ", headers=headers)
        assert tampered.status_code == 401
        assert json.loads(tampered.content)["errors"][0]["code"] == "signature_mismatch"


def answer_before_the_end(base: str, path: str, headers: str, first: bytes) -> bytes:
    """Sends a request's head and the first bytes of its body, then waits for an answer
    without sending the rest."""
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(f"POST {path} HTTP/1.1\r\nhost: {host}\r\ncontent-type: application/json\r\n{headers}\r\n".encode() + first)
        answer = b""
        while b"\r\n\r\n" not in answer or len(answer.split(b"\r\n\r\n", 1)[1]) < 10:
            chunk = connection.recv(65536)
            if not chunk:
                break
            answer += chunk
        return answer


def test_a_long_body_is_refused_before_its_end(served: tuple[str, Handler]) -> None:
    base, _ = served
    declared = answer_before_the_end(base, "/hooks", f"content-length: {1024 * 1024 + 1}\r\n", b'{"a":')
    assert declared.startswith(b"HTTP/1.1 413")
    assert ANSWERS["requests"]["too_large"]["problem"].encode() in declared
    streamed = answer_before_the_end(base, "/small", "transfer-encoding: chunked\r\n", b"1000\r\n" + b" " * 4096 + b"\r\n")
    assert streamed.startswith(b"HTTP/1.1 413")
    assert b"body_too_large" in streamed
