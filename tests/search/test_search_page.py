"""The search page: one box, type filter, facets, sorting, paging, help, exports."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from datetime import date, timedelta
from html import unescape
from pathlib import Path

import psycopg
import pytest
from flask import current_app

from forum.extensions import db
from forum.services import moderation, practice_review, practices, search
from forum.services.site_search import QUERY_MAX
from tests.factories import make_user
from tests.forum.factories import make_reply, make_thread
from tests.forum.test_query_counts import counting_queries
from tests.library.factories import make_practice, make_published_practice
from tests.test_pages import _check_page

RESULT = re.compile(
    r'<li class="result">\s*<h3 class="result__title">\s*'
    r'<span class="badge[^"]*">([^<]+)</span>\s*<a href="([^"]+)"[^>]*>([^<]*)</a>'
)


def publish(title: str, text: str, **fields):
    """Publish a practice whose words are only these (no shared sample text)."""
    fields.setdefault("place", "")
    fields.setdefault("organisation", "")
    return make_published_practice(
        title=title,
        summary=text,
        sections={"context": text, "actions": "Begun.", "results": "Done."},
        **fields,
    )


def page(client, **args) -> str:
    response = client.get("/search", query_string=args)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def results(html: str) -> list[tuple[str, str, str]]:
    """Return (badge, link, title) of each result on the page."""
    return [
        (badge, link, unescape(title)) for badge, link, title in RESULT.findall(html)
    ]


def titles(html: str) -> list[str]:
    return [title for _, _, title in results(html)]


def facet_counts(html: str, name: str) -> dict[str, int]:
    """Return {label: count} of one facet group of the page."""
    match = re.search(rf'<h3 id="facet-{name}">.*?</section>', html, flags=re.S)
    if match is None:
        return {}
    found = re.findall(
        r"<bdi>([^<]*)</bdi> <span class=\"meta\">\((\d+)\)</span>", match.group(0)
    )
    return {unescape(label): int(count) for label, count in found}


# Finding ----------------------------------------------------------------------


def test_plain_letters_find_accented_words(client):
    publish(
        "Économie circulaire des olives à Sfax",
        "Les coopératives réutilisent les grignons pour l'économie locale.",
        language="fr",
    )
    html = page(client, q="economie cooperatives", type="practices")
    assert titles(html) == ["Économie circulaire des olives à Sfax"]
    assert re.search(r'<mark class="match term\d+">coopératives</mark>', html)


def test_arabic_query_finds_arabic_practice(client):
    practice = publish(
        "تعاونية نسائية لزيت الزيتون في صفاقس",
        "تنتج النساء زيت الزيتون وتبيعه مباشرة للأسر في الأحياء الشعبية.",
        language="ar",
    )
    for query in ("زيت الزيتون", "الزَّيتون"):
        html = page(client, q=query, type="practices")
        assert titles(html) == [practice.title], query
    assert f'href="/practices/{practice.id}" lang="ar" dir="auto"' in html


def test_type_filter_keeps_one_kind_and_counts_each(client):
    practice = publish("Urban beekeeping cooperative", "Hives on the roofs.")
    thread = make_thread(title="Beekeeping in Crete", body="Who sells hives?")
    reply = make_reply(thread, body="Our beekeeping union does.")

    everything = page(client, q="beekeeping")
    assert len(results(everything)) == 4  # with the practice's own discussion
    assert 'Good practices <span class="meta">(1)</span>' in everything
    assert 'Replies <span class="meta">(1)</span>' in everything

    only = results(page(client, q="beekeeping", type="practices"))
    assert [(b, link) for b, link, _ in only] == [
        ("Good practice", f"/practices/{practice.id}")
    ]
    discussions = results(page(client, q="beekeeping", type="discussions"))
    assert {link for _, link, _ in discussions} == {
        f"/threads/{thread.id}",
        f"/threads/{practice.thread_id}",
    }
    posts = results(page(client, q="beekeeping", type="posts"))
    assert [link for _, link, _ in posts] == [f"/posts/{reply.id}"]


def test_facets_count_and_combine(client):
    publish("Solar roofs for Sfax schools", "Solar panels.", country="TN")
    publish(
        "Solar kiosks in Tunis",
        "Solar charging.",
        country="TN",
        themes=["digital"],
        actor_types=["training_provider"],
    )
    publish("Solar pumps in Souss", "Solar irrigation.", country="MA")

    html = page(client, q="solar", type="practices")
    assert facet_counts(html, "country") == {"Tunisia": 2, "Morocco": 1}
    assert facet_counts(html, "theme") == {"Social finance": 2, "Digital": 1}

    tunisia = page(client, q="solar", type="practices", country="TN")
    assert len(results(tunisia)) == 2
    # Other countries stay countable, to be added with OR.
    assert facet_counts(tunisia, "country") == {"Tunisia": 2, "Morocco": 1}
    assert facet_counts(tunisia, "theme") == {"Social finance": 1, "Digital": 1}
    assert 'aria-current="true"><span class="visually-hidden">Selected:' in tunisia

    both_filters = page(
        client, q="solar", type="practices", country="TN", theme="digital"
    )
    assert titles(both_filters) == ["Solar kiosks in Tunis"]
    either_country = client.get(
        "/search?q=solar&type=practices&country=TN&country=MA"
    ).get_data(as_text=True)
    assert len(results(either_country)) == 3
    actors = page(client, q="solar", type="practices", actor_type="training_provider")
    assert titles(actors) == ["Solar kiosks in Tunis"]


def test_facet_links_toggle_one_value_and_keep_the_others(client):
    publish("Solar roofs", "Solar panels.", country="TN")
    html = page(client, q="solar", type="practices", theme="social-finance")
    link = unescape(re.search(r'href="([^"]*country=TN[^"]*)"', html).group(1))
    assert "theme=social-finance" in link and "type=practices" in link
    chip = re.search(
        r'<a class="chip" href="([^"]+)"', page(client, q="solar", country="TN")
    )
    assert unescape(chip.group(1)) == "/search?q=solar"


def test_sort_by_date_puts_the_newest_first(client):
    old = publish("Apiculture apiculture school", "Apiculture for every pupil.")
    new = publish("Village honey", "A small apiculture project.")
    old.published_at = old.published_at - timedelta(days=30)
    db.session.commit()
    search.sync_practices(old)

    assert titles(page(client, q="apiculture", type="practices")) == [
        old.title,
        new.title,
    ]
    assert titles(page(client, q="apiculture", type="practices", sort="date")) == [
        new.title,
        old.title,
    ]


def test_phrases_or_minus_and_prefixes(client):
    short = publish("Circuits courts à Nabeul", "Des circuits courts pour les fruits.")
    other = publish("Fruits de Sousse", "Les courts de tennis et les circuits vélo.")
    argan = publish("Argan oil women", "Argan cooperatives.", country="MA")
    olive = publish("Olive presses", "Olive cooperatives in grocery work.")

    def found(query):
        return set(titles(page(client, q=query, type="practices")))

    assert found('"circuits courts"') == {short.title}
    assert found("circuits courts") == {short.title, other.title}
    assert found("argan OR olive") == {argan.title, olive.title}
    assert found("cooperatives -argan") == {olive.title}
    assert found("title:olive") == {olive.title}
    assert found("cooperatives country:MA") == {argan.title}
    assert found("theme:social-finance argan") == {argan.title}


# When things go wrong -------------------------------------------------------------


@pytest.mark.parametrize("query", ['"', "()", "-", "[", "~"])
def test_query_that_cannot_be_understood_gets_a_friendly_page(client, query):
    html = page(client, q=query)
    assert "This query could not be understood" in html
    assert "How to search" in html


def test_misspelling_gets_a_did_you_mean_link(client):
    publish("Beekeeping cooperative", "Hives and honey.")
    html = page(client, q="beekeepinng", type="practices")
    assert results(html) == []
    match = re.search(r'Did you mean <a href="([^"]+)"[^>]*>([^<]+)</a>', html)
    assert match and match.group(2) == "beekeeping"
    assert titles(client.get(unescape(match.group(1))).get_data(as_text=True)) == [
        "Beekeeping cooperative"
    ]


def test_nothing_found_explains_what_to_try(client):
    html = page(client, q="xylophone", country="TN")
    assert "Nothing matches “xylophone”." in html
    assert "check the spelling" in html
    assert 'href="/search?q=xylophone"' in html  # without the filters


def test_empty_search_shows_help_and_latest_practices(client):
    publish("Newest practice", "Fresh.")
    html = page(client)
    assert '<details class="search-help" open>' in html
    assert "Latest good practices" in html
    assert titles(html) == ["Newest practice"]


def test_results_come_twenty_a_page(client):
    for number in range(23):
        make_thread(title=f"Compost {number}", body="Compost bins for the quarter.")
    first = page(client, q="compost")
    assert len(results(first)) == 20
    assert "Page 1 of 2" in first
    next_link = unescape(re.search(r'rel="next" href="([^"]+)"', first).group(1))
    second = client.get(next_link).get_data(as_text=True)
    assert len(results(second)) == 3
    assert not set(titles(first)) & set(titles(second))

    beyond = page(client, q="compost", page="7")
    assert results(beyond) == []
    assert "There are fewer pages of results." in beyond


@pytest.mark.parametrize(
    "args",
    [
        {"page": "99999999999999999999999999"},
        {"page": "9" * 5000},
        {"page": "-3"},
        {"page": "²"},
        {"per_page": "100000"},
        {"type": "<script>", "sort": "sideways"},
        {"country": "ZZ", "theme": "no-such-theme", "actor_type": "astronaut"},
        {"year": "20x9", "status": "<b>bold</b>", "lang": "klingon"},
        {"q": "olive\x00\x07\x1b[31m mills\u202e"},
        {"q": "title:( country:"},
    ],
)
def test_bad_input_never_breaks_the_page(client, args):
    make_thread(title="Olive mills", body="Olive mills in Sfax.")
    response = client.get("/search", query_string=args)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<script>" not in html.split("<main", 1)[1]
    assert "<b>bold</b>" not in html


def test_very_long_query_is_shortened_with_a_notice(client):
    make_thread(title="Olive mills", body="Olive mills in Sfax.")
    html = page(client, q="olive " * 400)
    assert f"only its first {QUERY_MAX} characters were searched" in html
    assert "Olive mills" in titles(html)


@pytest.mark.parametrize("search_backend", ["whoosh"])  # Whoosh files
def test_wiped_index_gives_a_friendly_503_then_heals(client):
    make_thread(title="Olive mills", body="Olive mills in Sfax.")
    search.search_index()  # opened, as by an earlier request
    # The folder is wiped while the site runs.
    for path in Path(current_app.config["SEARCH_INDEX_DIR"]).iterdir():
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()

    response = client.get("/search?q=olive")
    assert response.status_code == 503
    assert "Search is not available" in response.get_data(as_text=True)
    # The next search reopens the index and rebuilds it from the database.
    api = client.get("/api/v1/search?q=olive")
    assert api.status_code == 200
    assert [r["title"] for r in api.json["results"]] == ["Olive mills"]


@pytest.mark.parametrize("search_backend", ["postgres"])
def test_dropped_search_tables_give_a_friendly_503_then_heal(client):
    make_thread(title="Olive mills", body="Olive mills in Sfax.")
    search.search_index()  # opened, as by an earlier request
    with psycopg.connect(current_app.config["SEARCH_DATABASE_URL"]) as connection:
        connection.execute("DROP TABLE search_documents, search_words")

    response = client.get("/search?q=olive")
    assert response.status_code == 503
    assert "Search is not available" in response.get_data(as_text=True)
    api = client.get("/api/v1/search?q=olive")
    assert api.status_code == 200
    assert [r["title"] for r in api.json["results"]] == ["Olive mills"]


def test_search_pages_are_well_formed(client):
    publish("Solar roofs", "Solar panels.")
    for path in ("/search", "/search?q=solar&country=TN", "/search?q=%22"):
        for language in ("en", "ar"):
            _check_page(client, path, language)


def test_search_page_runs_no_database_query_for_visitors(client):
    for number in range(5):
        publish(f"Seed bank {number}", "Seeds kept by farmers.")
    client.get("/search?q=seeds")  # warm the reference cache
    with counting_queries() as statements:
        response = client.get("/search?q=seeds&country=TN")
    assert response.status_code == 200
    assert len(results(response.get_data(as_text=True))) == 10
    assert len(statements) <= 2, statements


def test_search_page_offers_the_practices_feed(client):
    publish("Solar roofs", "Solar panels.")
    html = page(client, q="solar", country="TN", theme="digital")
    assert (
        '<link rel="alternate" type="application/atom+xml" '
        'title="New good practices" href="/feeds/practices/c/TN/t/digital.atom">'
    ) in html


# Nothing leaks (point 9) ----------------------------------------------------------


def test_unpublished_practices_never_appear(client):
    moderator = make_user(role="moderator")
    publish("Saffron growers", "Saffron harvest in Taliouine.", country="TN")
    make_practice(title="Saffron draft", summary="Saffron draft.", country="MA")
    submitted = make_practice(title="Saffron waiting", country="MA")
    practice_review.submit_practice(submitted.author, submitted)
    rejected = make_practice(title="Saffron refused", country="MA")
    practice_review.submit_practice(rejected.author, rejected)
    practice_review.reject_practice(moderator, rejected, reason="Not a practice.")

    html = page(client, q="saffron", type="practices")
    assert titles(html) == ["Saffron growers"]
    assert facet_counts(html, "country") == {"Tunisia": 1}
    assert "Saffron" not in page(client, q="waiting refused draft")
    api = client.get("/api/v1/search?q=saffron").json
    assert api["facets"]["country"] == {"TN": 2}  # the practice and its discussion


def test_pending_edit_of_a_published_practice_is_not_searchable(client):
    practice = publish("Fig drying", "Figs dried in the sun.")
    data = practices.form_data(practices.snapshot(practice))
    data["sections"]["context"] = "A pomegranate press was added for the winter."
    with current_app.test_request_context():
        practices.edit_practice(practice.author, practice, data)
    assert practice.pending_revision is not None
    assert results(page(client, q="pomegranate")) == []
    assert titles(page(client, q="figs", type="practices")) == ["Fig drying"]


def test_hidden_posts_and_deleted_threads_never_appear(client):
    moderator = make_user(role="moderator")
    thread = make_thread(
        title="Olive mills", body="Olive mills in Jerash.", country="JO"
    )
    hidden = make_reply(thread, body="Cheap tractors, call now.")
    gone = make_thread(title="Drip kits", body="Drip irrigation kits for sale.")
    make_reply(gone, body="Our irrigation cooperative buys them.")
    assert results(page(client, q="tractors"))
    assert page(client, q="tractorz").count("Did you mean") == 1

    with current_app.test_request_context():
        moderation.hide_post(moderator, hidden, reason="Advertising")
        moderation.delete_thread(moderator, gone, reason="Spam")

    for query in ("tractors", "irrigation", "drip"):
        assert results(page(client, q=query)) == [], query
    # Whoosh still knows the hidden post's words: no suggestion may use them.
    assert "Did you mean" not in page(client, q="tractorz")
    html = page(client, country="JO")
    assert facet_counts(html, "country") == {"Jordan": 1}
    assert titles(html) == ["Olive mills"]


def test_withdrawn_practice_leaves_no_result_and_no_suggestion(client):
    moderator = make_user(role="moderator")
    practice = publish("Cheese dairy", "A dairy.")
    data = practices.form_data(practices.snapshot(practice))
    data["sections"]["context"] = "Halloumi made by shepherds."
    with current_app.test_request_context():
        practices.edit_practice(moderator, practice, data)
    assert "Did you mean" in page(client, q="hallumi")

    with current_app.test_request_context():
        practice_review.withdraw_practice(moderator, practice, reason="Copied text.")

    assert results(page(client, q="halloumi")) == []
    assert "Did you mean" not in page(client, q="hallumi")


# Export -------------------------------------------------------------------------


def read_csv(response) -> list[dict]:
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_csv_export_lists_the_practices_of_the_search(client):
    tunis = publish(
        "Solar kiosks",
        "Solar charging for street vendors.",
        country="TN",
        themes=["digital", "renewable-energy"],
        place="Tunis",
        organisation="Coop Shams",
        start_year=2020,
        end_year=2023,
        status="completed",
    )
    publish("Solar pumps", "Solar irrigation.", country="MA")
    make_thread(title="Solar questions", body="Solar panels prices?")
    make_practice(title="Solar draft", country="TN")

    response = client.get("/search/practices.csv?q=solar&country=TN&type=posts")

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="agora-practices-{date.today().isoformat()}.csv"'
    )
    (row,) = read_csv(response)
    assert row == {
        "id": str(tunis.id),
        "title": "Solar kiosks",
        "url": f"http://localhost/practices/{tunis.id}",
        "summary": "Solar charging for street vendors.",
        "country": "TN",
        "place": "Tunis",
        "themes": "renewable-energy; digital",
        "actor_types": "sse_enterprise; public_administration",
        "language": "en",
        "start_year": "2020",
        "end_year": "2023",
        "status": "completed",
        "organisation": "Coop Shams",
        "published_at": tunis.published_at.isoformat(),
        "adoptions": "0",
    }


def test_csv_export_keeps_arabic_and_defuses_formulas(client):
    publish(
        '=HYPERLINK("http://evil.example","click")',
        "-2+3 زيت الزيتون",
        organisation="@SUM(A1:A9)",
        place="+216 Sfax",
        language="ar",
    )
    (row,) = read_csv(client.get("/search/practices.csv?q=الزيتون"))
    assert row["title"] == '\'=HYPERLINK("http://evil.example","click")'
    assert row["summary"] == "'-2+3 زيت الزيتون"
    assert row["organisation"] == "'@SUM(A1:A9)"
    assert row["place"] == "'+216 Sfax"


def test_json_export_has_the_same_rows(client):
    practice = publish("Seed bank", "Seeds kept by farmers.", country="GR")
    publish("Seed library", "Seeds lent to gardeners.", country="IT")

    response = client.get("/search/practices.json?q=seeds&country=GR")

    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith(
        'attachment; filename="agora-practices-'
    )
    body = json.loads(response.data)
    assert body["total"] == 1
    (row,) = body["practices"]
    assert row["id"] == practice.id
    assert row["themes"] == ["social-finance"]
    assert row["adoptions"] == 0
    assert "contact" not in row


def test_export_links_follow_the_search(client):
    publish("Seed bank", "Seeds kept by farmers.")
    html = page(client, q="seeds", country="TN")
    assert 'href="/search/practices.csv?q=seeds&amp;country=TN"' in html
    assert 'href="/search/practices.json?q=seeds&amp;country=TN"' in html
    assert "Export these practices" not in page(client, q="seeds", type="posts")


def test_export_of_a_bad_query_is_a_400_page(client):
    response = client.get("/search/practices.csv?q=%22")
    assert response.status_code == 400
    assert response.mimetype == "text/html"
