"""Library pages: reading, writing and translating practices in the browser."""

from __future__ import annotations

import re

import pytest
from flask import current_app
from sqlalchemy import select

from forum.extensions import db
from forum.models import Country, Practice, PracticeState
from forum.services import practice_review, practices
from tests.factories import make_user, reload
from tests.forum.test_query_counts import MAX_QUERIES, queries_for
from tests.library.factories import (
    make_practice,
    make_published_practice,
    practice_data,
    practice_form,
)
from tests.test_pages import PageOutline, _check_page


@pytest.fixture
def app_config():
    return {"POSTS_NEEDING_APPROVAL": 0}


def field_html(html: str, name: str) -> str:
    """Return the form field block (`<div class="field...">`) of input `name`."""
    at = html.index(f'name="{name}"')
    start = html.rindex('<div class="field', 0, at)
    return html[start:at]


def check_pages(client, paths, languages=("en",)) -> None:
    """Each page answers 200 with a title, one h1, ordered headings, labels."""
    for path in paths:
        assert client.get(path).status_code == 200, path
        for language in languages:
            _check_page(client, path, language)


def newest_practice() -> Practice:
    return db.session.scalars(select(Practice).order_by(Practice.id.desc())).first()


# Every page is well formed --------------------------------------------------


def test_library_pages_are_well_formed_for_visitors(client):
    practice = make_published_practice(featured=False)
    revision = practices.revisions(None, practice)[0]
    check_pages(
        client,
        [
            "/practices",
            "/practices?country=TN&theme=social-finance&sort=title",
            f"/practices/{practice.id}",
            f"/practices/{practice.id}/history",
            f"/practices/{practice.id}/versions/{revision.id}",
        ],
        ("en", "ar"),
    )


def test_library_pages_are_well_formed_for_authors(client, auth):
    author = make_user()
    draft = make_practice(author)
    published = make_published_practice(author)
    auth.login(author.email)
    client.post(
        f"/practices/{published.id}/edit",
        data=practice_form(title="A changed title for review"),
    )
    check_pages(
        client,
        [
            "/practices/new",
            f"/practices/new?translation_of={published.id}",
            "/practices/mine",
            f"/practices/{draft.id}",
            f"/practices/{draft.id}/edit",
            f"/practices/{published.id}",
            f"/practices/{published.id}/edit",
        ],
    )


def test_library_pages_are_well_formed_for_moderators(client, auth):
    waiting = make_practice()
    published = make_published_practice()
    with current_app.test_request_context():
        practice_review.submit_practice(waiting.author, waiting)
        data = practices.form_data(practices.snapshot(published))
        practices.edit_practice(published.author, published, {**data, "title": "New"})
    auth.login(make_user(role="moderator").email)
    check_pages(
        client,
        [
            "/practices/review",
            f"/practices/{waiting.id}",
            f"/practices/{published.id}",
            "/mod/",
        ],
    )


def test_form_with_errors_is_well_formed(client, maria):
    response = client.post("/practices/new", data=practice_form(title=""))
    assert response.status_code == 422
    outline = PageOutline()
    outline.feed(response.text)
    assert outline.headings.count(1) == 1
    assert outline.unlabelled_fields() == []


# Who sees what --------------------------------------------------------------


def test_draft_is_seen_by_its_author_only(client, browser):
    author = make_user()
    draft = make_practice(author, title="Secret recipe of the bakery")
    scoped = make_user(
        role="moderator", scope_countries=[db.session.get(Country, "TN")]
    )
    assert client.get(f"/practices/{draft.id}").status_code == 404
    for person in (make_user(), scoped):
        other = browser(person.email)
        for path in ["", "/edit", "/history"]:
            assert other.get(f"/practices/{draft.id}{path}").status_code == 404
        assert "Secret recipe" not in other.get("/practices").text
    mine = browser(author.email)
    assert mine.get(f"/practices/{draft.id}").status_code == 200
    assert "Secret recipe" in mine.get("/practices/mine").text
    assert "Secret recipe" not in client.get("/practices").text


def test_submitted_practice_reaches_moderators_in_scope_only(client, browser):
    author = make_user()
    practice = make_practice(author, country="TN", themes=["social-finance"])
    mine = browser(author.email)
    assert mine.post(f"/practices/{practice.id}/submit").status_code == 302
    assert reload(practice).state == PracticeState.SUBMITTED
    in_scope = browser(
        make_user(
            role="moderator", scope_countries=[db.session.get(Country, "TN")]
        ).email
    )
    elsewhere = browser(
        make_user(
            role="moderator", scope_countries=[db.session.get(Country, "MA")]
        ).email
    )
    page = in_scope.get(f"/practices/{practice.id}")
    assert page.status_code == 200
    assert 'name="action" value="publish"' in page.text
    assert practice.title in in_scope.get("/practices/review").text
    assert elsewhere.get(f"/practices/{practice.id}").status_code == 404
    assert practice.title not in elsewhere.get("/practices/review").text
    refused = elsewhere.post(
        f"/practices/{practice.id}/review", data={"action": "publish"}
    )
    assert refused.status_code == 404
    assert reload(practice).state == PracticeState.SUBMITTED


def test_review_queue_is_for_moderators(client, maria):
    assert client.get("/practices/review").status_code == 403
    client.post("/auth/logout")
    response = client.get("/practices/review")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_member_pages_need_a_login(client):
    practice = make_published_practice()
    for path in ["/practices/new", "/practices/mine", f"/practices/{practice.id}/edit"]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert "/auth/login" in response.headers["Location"]
    response = client.post(
        f"/practices/{practice.id}/adopt",
        data={"kind": "adopted", "organisation": "Anyone"},
    )
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_other_member_cannot_edit_or_submit(client, maria):
    practice = make_published_practice()
    assert client.get(f"/practices/{practice.id}/edit").status_code == 403
    response = client.post(f"/practices/{practice.id}/edit", data=practice_form())
    assert response.status_code == 403
    draft = make_practice()
    assert client.post(f"/practices/{draft.id}/submit").status_code == 404
    assert client.post(f"/practices/{draft.id}/delete").status_code == 404
    assert reload(draft).state == PracticeState.DRAFT


def test_huge_and_unknown_ids_are_not_found(client, maria):
    practice = make_published_practice()
    for path in [
        "/practices/99999999999999999999",
        "/practices/0",
        f"/practices/{practice.id}/versions/99999999",
        f"/practices/{practice.id}/files/99999999/x.pdf",
        "/practices/new?translation_of=99999999999999999999",
        "/practices/new?translation_of=abc",
    ]:
        assert client.get(path).status_code == 404, path
    assert client.post("/adoptions/99999999/remove").status_code == 404


def test_contact_is_shown_to_members_only(client, auth):
    practice = make_published_practice(contact="amal@elamal.example")
    page = client.get(f"/practices/{practice.id}").text
    assert "amal@elamal.example" not in page
    assert "Log in to see the contact" in page
    auth.login(make_user().email)
    assert "amal@elamal.example" in client.get(f"/practices/{practice.id}").text


def test_practice_page_shows_every_part(client):
    practice = make_published_practice(
        title="Épicerie solidaire",
        language="fr",
        sections={
            "context": "Les familles manquaient de produits frais.",
            "actions": "Quarante foyers ont fondé une coopérative.",
            "results": "Les prix ont baissé de 18 %.",
        },
        links=["https://elamal.example/epicerie"],
        start_year=2019,
        end_year=2023,
        status="completed",
    )
    page = client.get(f"/practices/{practice.id}").text
    assert '<h1 lang="fr" dir="auto">Épicerie solidaire</h1>' in page
    assert "<h2" in page and "Context and problem" in page
    assert "Les prix ont baissé de 18 %." in page
    # Empty sections get no heading.
    assert "Difficulties met" not in page
    assert "2019 to 2023" in page and "Completed" in page
    assert 'href="https://elamal.example/epicerie" rel="nofollow ugc noopener"' in page
    assert f'href="/threads/{practice.thread_id}"' in page
    assert f'href="/practices/{practice.id}/history"' in page


# The index ------------------------------------------------------------------


def test_index_lists_featured_then_filtered_practices(client):
    tunisian = make_published_practice(title="Tunisian olive mutual", country="TN")
    moroccan = make_published_practice(
        title="Moroccan argan cooperative",
        country="MA",
        themes=["agriculture-food"],
        actor_types=["training_provider"],
        language="fr",
    )
    moroccan.featured = True
    db.session.commit()
    draft = make_practice(title="Unpublished bakery")

    page = client.get("/practices").text
    assert page.index("Featured practices") < page.index("Moroccan argan")
    assert "Tunisian olive mutual" in page and draft.title not in page
    assert 'href="/practices/new"' in page
    assert 'action="/search"' in page and 'name="type" value="practice"' in page

    assert 'href="/feeds/practices.atom"' in page
    only_ma = client.get("/practices?country=MA").text
    assert "Moroccan argan" in only_ma and "Tunisian olive" not in only_ma
    assert 'href="/feeds/practices/c/MA.atom"' in only_ma
    for query in [
        "theme=agriculture-food",
        "actor_type=training_provider",
        "language=fr",
    ]:
        listed = client.get(f"/practices?{query}").text
        assert "Moroccan argan" in listed and "Tunisian olive" not in listed, query
    assert (
        f'href="/practices/{tunisian.id}"' in client.get("/practices?sort=title").text
    )


def test_index_survives_nonsense_filters(client):
    make_published_practice()
    for query in [
        "country=<script>",
        "theme=" + "x" * 5000,
        "actor_type=pirates",
        "language=%00",
        "sort=drop table",
        "page=-1",
        "page=99999999999",
    ]:
        assert client.get(f"/practices?{query}").status_code == 200, query


def test_index_shows_adoption_counts(client, browser):
    practice = make_published_practice(title="Shared kitchen")
    for n in range(2):
        browser(make_user().email).post(
            f"/practices/{practice.id}/adopt",
            data={"kind": "adapted", "organisation": f"Coop {n}"},
        )
    page = client.get("/practices?sort=adoptions").text
    assert "adopted or adapted 2 times" in page


# Writing --------------------------------------------------------------------


def test_new_practice_form_saves_a_draft(client, maria):
    form = client.get("/practices/new").text
    for label in [
        "Context and problem",
        "What was done",
        "Actors involved and their roles",
        "Resources: budget, staff, funding sources",
        "Results and evidence of success (with figures)",
        "Difficulties met",
        "What another region needs to transfer it",
        "Only logged-in members see it",
    ]:
        assert label in form, label
    assert 'maxlength="500"' in field_html(form, "summary") + form

    response = client.post(
        "/practices/new",
        data=practice_form(
            title="Cooperative bakery of Bizerte",
            links="https://a.example/one\nhttps://b.example/two",
            save="Save draft",
        ),
    )

    assert response.status_code == 302
    practice = newest_practice()
    assert response.headers["Location"] == f"/practices/{practice.id}"
    assert practice.author_id == maria.id
    assert practice.state == PracticeState.DRAFT
    assert practice.title == "Cooperative bakery of Bizerte"
    assert practice.links == ["https://a.example/one", "https://b.example/two"]
    assert practice.theme_slugs == ["social-finance"]
    assert practice.actor_types == ["sse_enterprise", "public_administration"]
    page = client.get(response.headers["Location"]).text
    assert "Your draft is saved" in page
    assert "only you can see it" in page


def test_save_and_submit_sends_for_review(client, maria):
    response = client.post(
        "/practices/new", data=practice_form(send="Save and submit for review")
    )
    assert response.status_code == 302
    assert newest_practice().state == PracticeState.SUBMITTED
    mine = client.get("/practices/mine").text
    assert "Waiting for review" in mine


def test_errors_come_back_next_to_their_field(client, maria):
    cases = {
        "title": {"title": ""},
        "end_year": {"start_year": "2020", "end_year": "2010"},
        "start_year": {"start_year": "20x1"},
        "links": {"links": "javascript:alert(1)"},
        "themes": {"themes": []},
        "country": {"country": "XX"},
        "actor_types": {"actor_types": ["pirates"]},
    }
    for name, changes in cases.items():
        response = client.post("/practices/new", data=practice_form(**changes))
        assert response.status_code == 422, name
        assert "error-message" in field_html(response.text, name), name
    assert db.session.scalar(select(Practice.id)) is None


def test_incomplete_practice_is_saved_but_not_submitted(client, maria):
    response = client.post(
        "/practices/new",
        data=practice_form(actions="", send="Save and submit for review"),
    )
    assert response.status_code == 422
    practice = newest_practice()
    assert practice.state == PracticeState.DRAFT
    assert "Your draft is saved, but it cannot be submitted yet" in response.text
    assert "Fill in this section before submitting." in field_html(
        response.text, "actions"
    )
    assert f'action="/practices/{practice.id}/edit"' in response.text


def test_submit_button_shows_what_is_missing(client, maria):
    draft = make_practice(maria, sections={"context": "Only the context."})
    response = client.post(f"/practices/{draft.id}/submit")
    assert response.status_code == 422
    assert "Fill in this section" in field_html(response.text, "actions")
    assert reload(draft).state == PracticeState.DRAFT


def test_missing_csrf_token_is_refused(client, maria):
    practice = make_published_practice()
    draft = make_practice(maria)
    for path, data in [
        ("/practices/new", practice_form()),
        (f"/practices/{draft.id}/edit", practice_form()),
        (f"/practices/{draft.id}/submit", {}),
        (f"/practices/{draft.id}/delete", {}),
        (f"/practices/{practice.id}/adopt", {"kind": "adopted", "organisation": "X"}),
    ]:
        assert client.post(path, data=data, csrf=False).status_code == 400, path
    assert reload(draft).state == PracticeState.DRAFT


def test_author_edits_a_draft_and_deletes_it(client, maria):
    draft = make_practice(maria, title="First title")
    form = client.get(f"/practices/{draft.id}/edit").text
    assert 'value="First title"' in form
    assert "Minor edit" not in form
    client.post(f"/practices/{draft.id}/edit", data=practice_form(title="Better"))
    assert reload(draft).title == "Better"
    response = client.post(f"/practices/{draft.id}/delete")
    assert response.headers["Location"] == "/practices/mine"
    assert db.session.scalar(select(Practice.id).where(Practice.id == draft.id)) is None


def test_published_practice_cannot_be_deleted_by_its_author(client, maria):
    practice = make_published_practice(maria)
    page = client.get(f"/practices/{practice.id}").text
    assert "Delete this draft" not in page
    response = client.post(f"/practices/{practice.id}/delete", follow_redirects=True)
    assert "cannot be deleted" in response.text
    assert reload(practice).state == PracticeState.PUBLISHED


def test_edit_of_published_practice_waits_for_review(client, maria):
    practice = make_published_practice(maria, title="Community wind farm")
    form = client.get(f"/practices/{practice.id}/edit").text
    assert "Minor edit (typo fix, published at once)" in form
    assert "goes to a moderator for review" in form

    response = client.post(
        f"/practices/{practice.id}/edit",
        data=practice_form(title="Community wind farm of Crete", note="Island"),
        follow_redirects=True,
    )

    assert "waits for a moderator&#39;s review" in response.text
    assert "An edit of yours is waiting for review" in response.text
    assert reload(practice).title == "Community wind farm"
    # Editing again starts from the version waiting, not the published one.
    again = client.get(f"/practices/{practice.id}/edit").text
    assert 'value="Community wind farm of Crete"' in again
    assert (
        "An edit of yours is waiting for review" in client.get("/practices/mine").text
    )


def test_minor_edit_is_published_at_once(client, maria):
    practice = make_published_practice(maria, summary="A cooperative grocry.")
    response = client.post(
        f"/practices/{practice.id}/edit",
        data=practice_form(summary="A cooperative grocery.", minor="y", note="Typo"),
        follow_redirects=True,
    )
    assert "Your changes are published." in response.text
    assert reload(practice).summary == "A cooperative grocery."
    refused = client.post(
        f"/practices/{practice.id}/edit",
        data=practice_form(country="MA", minor="y"),
    )
    assert refused.status_code == 422
    assert "more than a small correction" in field_html(refused.text, "minor")


# Translations ---------------------------------------------------------------


def test_translation_form_starts_from_the_original(client, maria):
    original = make_published_practice(
        language="en", place="Sfax", organisation="El Amal"
    )
    form = client.get(f"/practices/new?translation_of={original.id}").text
    assert "Translate a good practice" in form
    assert 'value="Sfax"' in form and 'value="El Amal"' in form
    assert re.search(r'<option (selected )?value="en"( selected)?>', form).group(
        1, 2
    ) == (
        None,
        None,
    )
    response = client.post(
        f"/practices/new?translation_of={original.id}",
        data=practice_form(language="fr", title="Épicerie solidaire de Sfax"),
    )
    assert response.status_code == 302
    translation = newest_practice()
    assert translation.root_id == original.id
    assert translation.language == "fr"


def test_translation_in_a_taken_language_is_refused(client, maria):
    original = make_published_practice(language="en")
    response = client.post(
        f"/practices/new?translation_of={original.id}",
        data=practice_form(language="en"),
    )
    assert response.status_code == 422
    assert "already exists in that language" in field_html(response.text, "language")


def test_only_published_practices_can_be_translated(client, maria):
    draft = make_practice(maria)
    response = client.get(f"/practices/new?translation_of={draft.id}")
    assert response.status_code == 422


def test_language_switcher_lists_published_translations(client, browser):
    original = make_published_practice(language="en", title="Solidarity grocery")
    translator = make_user()
    with current_app.test_request_context():
        translation = practices.create_practice(
            translator,
            practice_data(language="ar", title="بقالة تضامنية"),
            original=original,
        )
    page = client.get(f"/practices/{original.id}").text
    assert f'href="/practices/{translation.id}"' not in page
    with current_app.test_request_context():
        practice_review.submit_practice(translator, translation)
        practice_review.publish_practice(make_user(role="moderator"), translation)

    page = client.get(f"/practices/{original.id}").text
    assert re.search(
        rf'<a href="/practices/{translation.id}" lang="ar" hreflang="ar">', page
    )
    assert 'hreflang="en"' in page and 'aria-current="page"' in page
    alternate = f'hreflang="ar" href="http://localhost/practices/{translation.id}"'
    assert alternate in page
    member = browser(make_user().email)
    assert (
        f'href="/practices/new?translation_of={original.id}"'
        in member.get(f"/practices/{original.id}").text
    )


# Query counts ---------------------------------------------------------------


def test_index_and_practice_page_run_few_queries(client, browser):
    member = browser(make_user().email)

    def counts() -> list[int]:
        shown = newest_practice()
        paths = ["/practices", f"/practices/{shown.id}"]
        return [len(queries_for(who, p)) for who in (client, member) for p in paths]

    make_published_practice(featured=True)
    small = counts()
    for n in range(8):
        make_published_practice(featured=n < 3)
    for n in range(4):
        browser(make_user().email).post(
            f"/practices/{newest_practice().id}/adopt",
            data={"kind": "adopted", "organisation": f"Coop {n}"},
        )
    large = counts()

    assert large == small
    assert max(large) <= MAX_QUERIES, large
