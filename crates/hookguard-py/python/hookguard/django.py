"""hookguard as a Django view (WSGI deployments: gunicorn, uWSGI, mod_wsgi)::

    from hookguard import Gate
    from hookguard.django import webhook_view

    gate = Gate({"normalize": True, "signature": {"secrets": [os.environ["OCROLUS_SECRET"]]}})
    urlpatterns = [path("webhooks/ocrolus", webhook_view(gate, handle))]

The view is the WSGI receiver's (``hookguard.wsgi``): the same answers, the same delivery
contract; it reads the body from the request's WSGI input itself, so never read
``request.body`` before it (no middleware that does), and it is exempt from CSRF (a sender has
no token; the signature authenticates instead). Under Django's ASGI handler use
``hookguard.asgi`` instead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import Gate
from .quarantine import QuarantineStore
from .shared import SharedGate
from ._receiver import DeliveryHandler
from .wsgi import WebhookReceiver


def webhook_view(
    gate: Gate | SharedGate,
    on_delivery: DeliveryHandler,
    *,
    now: Callable[[], int] | None = None,
    quarantine: QuarantineStore | None = None,
) -> Callable[[Any], Any]:
    """A Django view receiving Ocrolus deliveries through ``gate`` (see ``hookguard.wsgi``)."""
    from django.http import HttpResponse  # type: ignore[import-untyped]
    from django.views.decorators.csrf import csrf_exempt  # type: ignore[import-untyped]

    receiver = WebhookReceiver(gate, on_delivery, now=now, quarantine=quarantine)

    def view(request: Any) -> Any:
        if "wsgi.input" not in request.META:
            raise TypeError("hookguard.django serves WSGI requests; under ASGI use hookguard.asgi")
        status, headers, body = receiver.respond(request.META)
        response = HttpResponse(body, status=status)
        if not any(name.lower() == "content-type" for name, _ in headers):
            del response["Content-Type"]
        for name, value in headers:
            response[name] = value
        return response

    exempt: Callable[[Any], Any] = csrf_exempt(view)
    return exempt
