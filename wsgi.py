"""Entry point: `flask --app wsgi ...` and `python wsgi.py` (serves with Socket.IO).

In production: `gunicorn -c deploy/gunicorn.conf.py` (gevent workers, same app).
"""

import os

from forum import create_app
from forum.extensions import socketio

app = create_app()

if __name__ == "__main__":
    socketio.run(
        app,
        host=os.environ.get("FORUM_HOST", "127.0.0.1"),
        port=int(os.environ.get("FORUM_PORT", "5000")),
        allow_unsafe_werkzeug=True,
    )
