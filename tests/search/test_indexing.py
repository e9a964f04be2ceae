"""The search index follows every change to what the public can read."""

from __future__ import annotations

import psycopg
import pytest
from flask import current_app
from sqlalchemy import select

from forum.extensions import db
from forum.models import Post
from forum.services import search
from tests.factories import make_user
from tests.forum.factories import make_reply, make_thread
from tests.library.factories import make_published_practice


def found(query: str, **filters) -> set[str]:
    results = search.search_index().search(query, filters=filters, per_page=50)
    return {hit.doc_id for hit in results.hits}


def test_new_thread_and_reply_are_searchable_at_once(app):
    thread = make_thread(
        title="Microcrédit pour les coopératives de Kairouan",
        body="Les femmes cherchent un fonds de roulement.",
        language="fr",
    )
    reply = make_reply(thread, body="Notre mutuelle propose des prêts solidaires.")
    assert found("cooperative kairouan") == {f"thread:{thread.id}"}
    assert found("prets solidaires") == {f"post:{reply.id}"}
    assert found("", country="TN") == {f"thread:{thread.id}", f"post:{reply.id}"}


def test_edit_replaces_the_old_words(app, client, auth):
    author = make_user(email="salma@kairouan.example")
    thread = make_thread(author)
    reply = make_reply(thread, author, body="Premier texte sur la laine.")
    auth.login(author.email)
    client.post(
        f"/posts/{reply.id}/edit", data={"body": "Texte corrigé sur la semoule."}
    )
    assert found("laine") == set()
    assert found("semoule") == {f"post:{reply.id}"}


def test_hidden_deleted_and_pending_posts_leave_the_index(app, client, auth):
    moderator = make_user(role="moderator", email="mod@search.example")
    thread = make_thread(body="Opening about olive mills.")
    hidden = make_reply(thread, body="Advertising for cheap tractors.")
    auth.login(moderator.email)
    client.post(f"/mod/posts/{hidden.id}/hide", data={"reason": "Advertising"})
    assert found("tractors") == set()
    client.post(f"/mod/posts/{hidden.id}/unhide", data={"reason": "Mistake"})
    assert found("tractors") == {f"post:{hidden.id}"}
    client.post(f"/mod/threads/{thread.id}/delete", data={"reason": "Duplicate"})
    assert found("olive") == set() and found("tractors") == set()


def test_unapproved_thread_is_indexed_only_once_approved(app, client, auth):
    current_app.config["POSTS_NEEDING_APPROVAL"] = 2
    thread = make_thread(make_user(), body="Solar cooperatives in Irbid.")
    assert found("irbid") == set()
    moderator = make_user(role="moderator", email="mod2@search.example")
    auth.login(moderator.email)
    opening = thread.id
    client.post(f"/mod/posts/{_opening_id(opening)}/approve")
    assert found("irbid") == {f"thread:{opening}"}


def _opening_id(thread_id: int) -> int:
    return db.session.scalar(
        select(Post.id).where(Post.thread_id == thread_id, Post.is_first.is_(True))
    )


def test_move_and_merge_update_every_document(app, client, auth):
    moderator = make_user(role="moderator", email="mod3@search.example")
    source = make_thread(country="TN", body="Tontines in Sfax.")
    reply = make_reply(source, body="Our tontine has twelve members.")
    target = make_thread(country="MA", body="Savings groups in Fes.")
    auth.login(moderator.email)
    client.post(
        f"/mod/threads/{source.id}/move",
        data={"country": "DZ", "themes": ["social-finance"]},
    )
    assert found("tontine", country="DZ") == {f"thread:{source.id}", f"post:{reply.id}"}
    client.post(f"/mod/threads/{source.id}/merge", data={"target": str(target.id)})
    assert f"thread:{source.id}" not in found("tontines")
    assert found("twelve", country="MA") == {f"post:{reply.id}"}


@pytest.mark.parametrize("search_backend", ["whoosh"])  # Whoosh files
def test_a_failed_index_write_keeps_the_post_and_is_retried(app, tmp_path):
    broken = tmp_path / "not-a-folder"
    broken.write_text("a file where the index should be")
    current_app.config["SEARCH_INDEX_DIR"] = str(broken)
    current_app.extensions.pop("agora_search_index", None)
    thread = make_thread(body="Written while the index was broken.")
    assert db.session.get(type(thread), thread.id) is not None
    assert current_app.extensions["agora_search_pending"]
    current_app.config["SEARCH_INDEX_DIR"] = str(tmp_path / "index")
    current_app.extensions.pop("agora_search_index", None)
    make_thread(body="A later write.")
    assert f"thread:{thread.id}" in found("broken")


def test_reindex_command_rebuilds_everything(app, runner):
    thread = make_thread(body="Fishing cooperatives in Marsaxlokk.")
    search.search_index().delete([f"thread:{thread.id}"])
    assert found("marsaxlokk") == set()
    result = runner.invoke(args=["forum", "reindex", "--procs", "1"])
    assert result.exit_code == 0, result.output
    assert found("marsaxlokk") == {f"thread:{thread.id}"}


def test_reindex_in_two_processes_finds_what_one_process_finds(app, runner):
    threads = [
        make_thread(body=f"Olive press number {n} in Jendouba.") for n in range(5)
    ]
    practice = make_published_practice(title="Jendouba olive cooperative")
    assert runner.invoke(args=["forum", "reindex", "--procs", "1"]).exit_code == 0
    one_process = found("jendouba")
    assert {f"thread:{t.id}" for t in threads} | {f"practice:{practice.id}"} <= (
        one_process
    )
    search.search_index().rebuild([])
    assert found("jendouba") == set()
    result = runner.invoke(args=["forum", "reindex", "--procs", "2"])
    assert result.exit_code == 0, result.output
    assert found("jendouba") == one_process
    assert f"Indexed {search.search_index().doc_count()} documents." in result.output
    # This process's database session still works after the forks.
    assert db.session.get(type(practice), practice.id).title == practice.title


@pytest.mark.parametrize("search_backend", ["whoosh"])  # Whoosh files
def test_a_deleted_index_folder_is_rebuilt_when_next_opened(app, tmp_path):
    thread = make_thread(body="Salt pans of the Sfax cooperative.")
    current_app.config["SEARCH_INDEX_DIR"] = str(tmp_path / "lost")
    current_app.extensions.pop("agora_search_index", None)
    assert found("salt pans") == {f"thread:{thread.id}"}


@pytest.mark.parametrize("search_backend", ["whoosh"])  # Whoosh files
def test_an_index_built_with_other_fields_is_rebuilt(app, tmp_path):
    from whoosh import fields, index

    thread = make_thread(body="Argan oil cooperatives near Essaouira.")
    path = tmp_path / "old-schema"
    path.mkdir()
    index.create_in(path, fields.Schema(doc_id=fields.ID(stored=True)))
    current_app.config["SEARCH_INDEX_DIR"] = str(path)
    current_app.extensions.pop("agora_search_index", None)
    assert found("essaouira") == {f"thread:{thread.id}"}


@pytest.mark.parametrize("search_backend", ["whoosh"])  # Whoosh files
def test_a_damaged_index_is_rebuilt_when_opened(app, tmp_path):
    thread = make_thread(body="Honey cooperatives on Psiloritis.")
    path = tmp_path / "damaged"
    current_app.config["SEARCH_INDEX_DIR"] = str(path)
    current_app.extensions.pop("agora_search_index", None)
    search.rebuild_all()
    for toc in path.glob("*.toc"):
        toc.write_bytes(b"garbage")
    current_app.extensions.pop("agora_search_index", None)
    assert found("psiloritis") == {f"thread:{thread.id}"}


@pytest.mark.parametrize("search_backend", ["postgres"])
def test_an_unreachable_search_database_keeps_the_post_and_is_retried(app):
    url = current_app.config["SEARCH_DATABASE_URL"]
    # Nothing listens on port 1: the index cannot be opened.
    current_app.config["SEARCH_DATABASE_URL"] = "postgresql://postgres@127.0.0.1:1/x"
    current_app.extensions.pop("agora_search_index", None)
    thread = make_thread(body="Written while the search database was away.")
    assert db.session.get(type(thread), thread.id) is not None
    assert current_app.extensions["agora_search_pending"]
    current_app.config["SEARCH_DATABASE_URL"] = url
    make_thread(body="A later write.")
    assert f"thread:{thread.id}" in found("away")


@pytest.mark.parametrize("search_backend", ["postgres"])
def test_dropped_search_tables_are_rebuilt_when_next_opened(app):
    thread = make_thread(body="Salt pans of the Sfax cooperative.")
    with psycopg.connect(current_app.config["SEARCH_DATABASE_URL"]) as connection:
        connection.execute("DROP TABLE search_documents, search_words")
    search.forget_index()
    assert found("salt pans") == {f"thread:{thread.id}"}
