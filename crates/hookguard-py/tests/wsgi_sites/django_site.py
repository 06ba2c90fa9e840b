"""A Django site (settings in code) whose webhook routes are hookguard's view."""

from django.conf import settings

settings.configure(
    DEBUG=False,
    SECRET_KEY="hookguard-tests",
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=["django.middleware.common.CommonMiddleware", "django.middleware.csrf.CsrfViewMiddleware"],
)

from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.urls import path  # noqa: E402

from hookguard.django import webhook_view  # noqa: E402
from receivers import NOW, gates, handle  # noqa: E402

urlpatterns = [path(route.lstrip("/"), webhook_view(gate, handle, now=lambda: NOW)) for route, gate in gates().items()]
application = get_wsgi_application()
