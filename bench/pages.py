"""Server time and SQL queries of the foundation's pages (in-process, no network).

Run: .venv/bin/python bench/pages.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402

from bench.measure import measure, print_table  # noqa: E402
from forum import create_app  # noqa: E402
from forum.services import demo, reference  # noqa: E402


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="agora-bench-"))
    app = create_app(
        {
            "INSTANCE_PATH": str(folder),
            "RATELIMIT_ENABLED": False,
            "WTF_CSRF_ENABLED": False,
        }
    )
    with app.app_context():
        upgrade()
        reference.seed_reference_data()
        demo.seed_demo_members()
        password = demo.demo_password()
    client = app.test_client()
    rows = [measure(client, path) for path in ["/", "/auth/login", "/u/amina.admin"]]
    client.post(
        "/auth/login",
        data={"email": "amina.admin@agora-mediterranee.example", "password": password},
    )
    rows += [measure(client, path) for path in ["/settings", "/admin/users"]]
    print_table(rows)


if __name__ == "__main__":
    main()
