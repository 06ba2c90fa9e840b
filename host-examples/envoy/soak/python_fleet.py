"""The Python fleet in the delivery soak: the package's ASGI receiver, run by
``uvicorn --workers 2`` beside the Envoy gateways, on the same Redis (directly, through redis-py;
the gateways reach it through webdis). The same keys serve every host, so a delivery claimed by a
gateway is a copy here and the other way round, and a drifted delivery refused here lands in the
same quarantine the gateways keep theirs in.

Configured by the soak through the environment: ``HOOKGUARD_REDIS`` (the store's URL),
``HOOKGUARD_SECRET``, ``HOOKGUARD_SERVICE`` (the service's URL). The handler is a service call,
as a receiver's usually is: it hands the normalized event to the soak's flaky service with the
delivery's request id, and fails when the service does, so the sender retries."""

from __future__ import annotations

import json
import logging
import os
from typing import Any

import httpx
import redis

import hookguard
from hookguard.asgi import WebhookReceiver
from hookguard.quarantine import RedisQuarantine
from hookguard.shared import RedisMemory, SharedGate

# The service fails on purpose, hundreds of times a run: its failures are counted, not logged.
logging.getLogger("hookguard").setLevel(logging.CRITICAL)

# A sync client, as RedisQuarantine needs one; the receiver keeps it off the event loop.
client = redis.Redis.from_url(os.environ["HOOKGUARD_REDIS"], socket_timeout=1, socket_connect_timeout=1)
gate = SharedGate(
    hookguard.Gate(
        {
            "normalize": True,
            # As the gateways are configured: a claim cut short lapses within the run.
            "signature": {"secrets": [os.environ["HOOKGUARD_SECRET"]], "in_flight_seconds": 3},
            "quarantine": {},
        }
    ),
    RedisMemory(client),
)
service = httpx.AsyncClient(base_url=os.environ["HOOKGUARD_SERVICE"], timeout=10)


async def hand_to_service(event: Any, delivery: dict[str, Any]) -> None:
    answer = await service.post(
        "/hooks",
        content=json.dumps(event).encode(),
        headers={"content-type": "application/json", "webhook-request-id": delivery.get("request_id") or ""},
    )
    if not answer.is_success:
        raise RuntimeError(f"the service answered {answer.status_code}")


app = WebhookReceiver(gate, hand_to_service, quarantine=RedisQuarantine(client))
