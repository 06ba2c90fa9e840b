"""A Flask app whose webhook routes are hookguard's WSGI receiver (Werkzeug's dispatcher)."""

from flask import Flask
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from hookguard.wsgi import WebhookReceiver
from receivers import NOW, gates, handle

app = Flask(__name__)


@app.get("/")
def index() -> str:
    return "a Flask app"


app.wsgi_app = DispatcherMiddleware(  # type: ignore[method-assign]
    app.wsgi_app,
    {path: WebhookReceiver(gate, handle, now=lambda: NOW) for path, gate in gates().items()},
)
