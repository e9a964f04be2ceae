"""A lost or damaged search index is rebuilt from the database, and search answers.

The server (gunicorn, as deployed) is stopped, its Whoosh folder deleted or
damaged in one of several ways, and the server started again on it: the first
search finds what the database holds, and the readiness probe passes. The
same holds when the folder goes while the server runs, after at most one
friendly "Search is not available" answer.
"""

from __future__ import annotations

import random
import shutil
import string
from pathlib import Path

import pytest
import requests

from tests.deploy.test_gunicorn import gunicorn
from tests.forum.factories import make_reply, make_thread

pytestmark = pytest.mark.slow


@pytest.fixture
def app_config() -> dict:
    return {"POSTS_NEEDING_APPROVAL": 0, "SEARCH_BACKEND": "whoosh"}


@pytest.fixture
def quiet_server(monkeypatch):
    monkeypatch.setenv("FORUM_LOG_LEVEL", "ERROR")


def made_up_word() -> str:
    return "".join(random.choices(string.ascii_lowercase, k=14))


def index_files(folder: Path, pattern: str) -> list[Path]:
    files = [path for path in folder.glob(pattern) if path.is_file()]
    assert files, f"no {pattern} in the index folder"
    return files


def delete_folder(folder: Path) -> None:
    shutil.rmtree(folder)


def garble_table_of_contents(folder: Path) -> None:
    for toc in index_files(folder, "*.toc"):
        toc.write_bytes(random.randbytes(toc.stat().st_size))


def truncate_segments(folder: Path) -> None:
    for segment in index_files(folder, "*.seg"):
        with segment.open("r+b") as handle:
            handle.truncate(segment.stat().st_size // 3)


def delete_segments(folder: Path) -> None:
    for segment in index_files(folder, "*.seg"):
        segment.unlink()


def zero_every_file(folder: Path) -> None:
    for path in index_files(folder, "*"):
        path.write_bytes(b"\0" * path.stat().st_size)


DAMAGE = [
    delete_folder,
    garble_table_of_contents,
    truncate_segments,
    delete_segments,
    zero_every_file,
]


def written_content() -> dict[str, str]:
    """Make a thread and a reply, each with its own word; return word -> address."""
    thread_word, reply_word = made_up_word(), made_up_word()
    thread = make_thread(body=f"Seed bank of the {thread_word} cooperative.")
    reply = make_reply(thread, body=f"We swap seeds with {reply_word} too.")
    return {thread_word: f"/threads/{thread.id}", reply_word: f"/posts/{reply.id}"}


def assert_search_finds(server: str, content: dict[str, str]) -> None:
    for word, address in content.items():
        answer = requests.get(f"{server}/search", params={"q": word}, timeout=60)
        assert answer.status_code == 200, answer.text[-500:]
        assert f'href="{address}' in answer.text, f"{word} not found"


@pytest.mark.parametrize("damage", DAMAGE, ids=lambda damage: damage.__name__)
def test_index_damaged_while_stopped_is_rebuilt_at_start(app, quiet_server, damage):
    content = written_content()
    folder = Path(app.config["SEARCH_INDEX_DIR"])
    damage(folder)
    with gunicorn(app) as (port, _process):
        server = f"http://127.0.0.1:{port}"
        ready = requests.get(f"{server}/readyz", timeout=60)
        assert ready.status_code == 200, ready.text
        assert_search_finds(server, content)
    assert any(folder.glob("*.toc")), "the rebuilt index was not written"


@pytest.mark.parametrize(
    "damage", [delete_folder, garble_table_of_contents], ids=lambda d: d.__name__
)
def test_index_damaged_under_a_running_server_is_rebuilt(app, quiet_server, damage):
    content = written_content()
    with gunicorn(app) as (port, _process):
        server = f"http://127.0.0.1:{port}"
        assert_search_finds(server, content)
        damage(Path(app.config["SEARCH_INDEX_DIR"]))
        # The search that finds the damage may answer the friendly 503 (as
        # tests/search/test_search_page.py pins); the next one is served again.
        first = requests.get(f"{server}/search", params={"q": "seeds"}, timeout=60)
        assert first.status_code in (200, 503), first.text[-500:]
        if first.status_code == 503:
            assert "Search is not available" in first.text
        assert_search_finds(server, content)
