"""An Ocrolus webhook receiver in FastAPI, as a service would write one with the hookguard
package: deliveries signed with OCROLUS_SECRET are checked (signature, schema, the delivery's
claim on its request id) before the handler sees them, and the handler gets the normalized
event. Here it appends each event to EVENTS_FILE (JSON lines): put your own work there.

Run: OCROLUS_SECRET=... uvicorn app:app --port 8000
(`scripts/just python-example` runs it over real HTTP.)"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from fastapi import FastAPI

import hookguard
from hookguard.asgi import WebhookReceiver

gate = hookguard.Gate({"normalize": True, "signature": {"secrets": [os.environ["OCROLUS_SECRET"]]}})
events = Path(os.environ.get("EVENTS_FILE", "events.jsonl"))


async def handle(event: Any, delivery: dict[str, Any]) -> None:
    # Return once the event is handled (or durably queued); raise to have Ocrolus retry it.
    with events.open("a", encoding="utf-8") as out:
        out.write(json.dumps({"request_id": delivery.get("request_id"), "event": event}) + "\n")


app = FastAPI()
app.add_route("/webhooks/ocrolus", WebhookReceiver(gate, handle))


@app.get("/health")
def health() -> dict[str, str]:
    return {"hookguard": hookguard.version(), "backend": hookguard.backend}
