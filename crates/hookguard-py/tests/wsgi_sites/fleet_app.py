"""The ASGI receiver as a fleet runs it (``uvicorn --workers 2``, gunicorn with uvicorn workers):
every worker process builds this app, all of them sharing one memory in Redis
(``HOOKGUARD_REDIS``; ``HOOKGUARD_ASYNC=1`` for redis.asyncio, else the sync client;
``HOOKGUARD_STORE_POLICY``). The handler takes a moment (so concurrent copies meet a delivery in
flight), fails the first attempt of a ``fail-...`` request id, and records each delivery it
handled, with its process id, in ``HOOKGUARD_TEST_SEEN``."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path
from typing import Any

import redis
import redis.asyncio
from starlette.applications import Starlette
from starlette.routing import Route

import hookguard
from hookguard.asgi import WebhookReceiver
from hookguard.shared import RedisMemory, SharedGate

URL = os.environ["HOOKGUARD_REDIS"]
client: Any = (
    redis.asyncio.Redis.from_url(URL)
    if os.environ.get("HOOKGUARD_ASYNC")
    else redis.Redis.from_url(URL, socket_timeout=1, socket_connect_timeout=1)
)
gate = SharedGate(
    hookguard.Gate({"normalize": True, "signature": {"secrets": [os.environ["HOOKGUARD_SECRET"]], "in_flight_seconds": 30}}),
    RedisMemory(client),
    on_store_error="process" if os.environ.get("HOOKGUARD_STORE_POLICY") == "process" else "refuse",
)
SEEN = Path(os.environ["HOOKGUARD_TEST_SEEN"])


async def handle(event: Any, delivery: dict[str, Any]) -> None:
    request_id = delivery.get("request_id") or ""
    failed_once = SEEN.with_name(f"{request_id}.failed")
    if request_id.startswith("fail-") and not failed_once.exists():
        failed_once.touch()
        raise RuntimeError("the service is down")
    await asyncio.sleep(0.2)
    with open(SEEN, "a", encoding="utf-8") as seen:
        seen.write(json.dumps({"pid": os.getpid(), "request_id": request_id}) + "\n")


app = Starlette(routes=[Route("/hooks", WebhookReceiver(gate, handle))])
