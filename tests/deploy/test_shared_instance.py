"""Workers started together on one fresh instance folder agree on its secret key."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.workshops.live import ROOT

PRINT_KEY = (
    "import sys; from forum import create_app; "
    "print(create_app({'INSTANCE_PATH': sys.argv[1]}).config['SECRET_KEY'])"
)


@pytest.mark.slow
def test_workers_starting_together_share_one_secret_key(tmp_path):
    instance = tmp_path / "instance"
    # The key must come from the folder, not from the environment.
    environment = {k: v for k, v in os.environ.items() if not k.startswith("FORUM_")}
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", PRINT_KEY, str(instance)],
            cwd=ROOT,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        for _ in range(3)
    ]
    keys = {worker.communicate(timeout=60)[0].strip() for worker in workers}
    assert len(keys) == 1 and len(keys.pop()) == 64
    assert [p.name for p in instance.iterdir() if p.name.startswith("secret")] == [
        "secret_key"
    ]
