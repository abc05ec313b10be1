"""The app served on 127.0.0.1 from a thread, for the clients that need a real server: the
browser tests (Playwright) and the API contract run (schemathesis)."""
from __future__ import annotations

import threading
from contextlib import contextmanager

from werkzeug.serving import WSGIRequestHandler, make_server

from app.extensions import db
from app.services.shared import workflow_cache
from workflows.clock import FrozenClock, set_default_clock


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs) -> None:  # one line per request is noise in pytest
        pass



@contextmanager
def serving(app, clock: FrozenClock, name: str):
    """``app`` served on a free port of 127.0.0.1 from a thread, every request thread on
    ``clock``; yields the base URL. Afterwards the server, its database connections and the
    per-process workflow cache are let go."""
    previous = set_default_clock(clock)
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name=name, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        set_default_clock(previous)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        workflow_cache.cache.clear()
