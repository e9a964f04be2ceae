"""Server time and SQL queries of the foundation's pages (in-process, no network).

Run: .venv/bin/python bench/pages.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.measure import bench_app, measure, print_table  # noqa: E402
from forum.services import demo  # noqa: E402


def main() -> None:
    app = bench_app()
    with app.app_context():
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
