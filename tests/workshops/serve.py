"""Serve the app with Socket.IO for tests: `python -m tests.workshops.serve PORT`.

The configuration comes as JSON in AGORA_TEST_CONFIG, so the server shares
the test's database and secret key.
"""

import json
import os
import sys

from forum import create_app
from forum.extensions import socketio

if __name__ == "__main__":
    app = create_app(json.loads(os.environ["AGORA_TEST_CONFIG"]))
    socketio.run(
        app,
        host="127.0.0.1",
        port=int(sys.argv[1]),
        use_reloader=False,
        log_output=False,
        allow_unsafe_werkzeug=True,
    )
