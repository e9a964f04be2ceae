"""Point 3: hostile Markdown and HTML in posts are rendered harmless."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

import forum
from forum.extensions import db
from forum.markup import ALLOWED_ATTRIBUTES, ALLOWED_TAGS
from forum.models import Post
from tests.forum.factories import make_reply, make_thread, old_member
from tests.forum.pages import post_html, section

HOSTILE = {
    "script": "<script>alert('owned')</script>",
    "script-split": "<<script>script>alert(1)<</script>/script>",
    "markdown-link": "[click](javascript:alert(1))",
    "markdown-link-spaces": "[click](  javascript:alert(1)  )",
    "mixed-case": '<a href="JaVaScRiPt:alert(1)">click</a>',
    "entity-encoded": '<a href="&#106;&#97;vascript:alert(1)">click</a>',
    "tab-in-scheme": '<a href="java&#x09;script:alert(1)">click</a>',
    "vbscript": '<a href="vbscript:msgbox(1)">click</a>',
    "onerror": "<img src=x onerror=alert(1)>",
    "markdown-image": '![pic](x" onerror="alert(1))',
    "svg-onload": "<svg onload=alert(1)><circle r=5></svg>",
    "data-url": '<a href="data:text/html;base64,PHNjcmlwdD4=">click</a>',
    "markdown-data-url": "[click](data:text/html,<script>alert(1)</script>)",
    "unclosed": '<div><b>unclosed <i>tags <a href="https://ok.example">',
    "iframe": '<iframe src="https://evil.example"></iframe>',
    "style-attribute": '<p style="position:fixed;top:0">cover</p>',
    "style-tag": "<style>body{display:none}</style>",
    "onclick": '<a href="https://ok.example" onclick="alert(1)">ok</a>',
    "ontoggle": "<details open ontoggle=alert(1)>x</details>",
    "math-xlink": '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    "form": '<form action="https://evil.example"><input name=a></form>',
    "object-embed": '<object data="x.swf"></object><embed src="x.swf">',
}

SAFE_SCHEMES = {"http", "https", "mailto"}


class ProseTags(HTMLParser):
    """Every tag and attribute inside the post's text."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.depth = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if self.depth:
            self.tags.append((tag, attributes))
            if tag not in {"br", "hr"}:
                self.depth += 1
        elif "prose" in (attributes.get("class") or "").split():
            self.depth = 1

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1


def prose_tags(html: str) -> list[tuple[str, dict]]:
    parser = ProseTags()
    parser.feed(html)
    return parser.tags


def assert_harmless(html: str) -> None:
    """Only allowlisted tags and attributes, and links only to safe places."""
    for tag, attributes in prose_tags(html):
        assert tag in ALLOWED_TAGS, tag
        allowed = ALLOWED_ATTRIBUTES.get(tag, set()) | {"rel", "class"}
        assert set(attributes) <= allowed, (tag, attributes)
        href = attributes.get("href")
        if href is not None:
            assert urlsplit(href).scheme in SAFE_SCHEMES | {""}, href
            assert attributes.get("rel") == "nofollow ugc noopener", attributes
    lowered = html.lower()
    for word in (
        "<script",
        "javascript:",
        "vbscript:",
        "data:text",
        "onerror",
        "onload",
    ):
        assert word not in lowered


@pytest.fixture
def thread():
    return make_thread()


@pytest.mark.parametrize("payload", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_post_is_rendered_harmless(client, maria, thread, payload):
    response = client.post(f"/threads/{thread.id}/reply", data={"body": payload})
    assert response.status_code == 302

    post = db.session.scalar(select(Post).where(Post.author_id == maria.id))
    assert post.body_markdown == payload
    assert_harmless(post.body_html)
    assert_harmless(post_html(client.get(f"/threads/{thread.id}").text, post.id))


@pytest.mark.parametrize("payload", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_preview_is_rendered_harmless(client, maria, thread, payload):
    response = client.post(
        f"/threads/{thread.id}/reply", data={"body": payload, "preview": "Preview"}
    )
    assert response.status_code == 200
    assert_harmless(section(response.text, "preview-heading"))


def test_hostile_thread_title_is_escaped(client, maria):
    client.post(
        "/threads/new",
        data={
            "title": "<script>alert(1)</script> Savings",
            "country": "TN",
            "themes": ["social-finance"],
            "language": "en",
            "body": "Text",
        },
    )
    listing = client.get("/c/TN").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Savings" in listing
    assert "<script>alert(1)" not in listing


def test_raw_markdown_is_kept_and_shown_for_editing(client, maria, thread):
    payload = HOSTILE["onerror"] + "\n\n**bold**"
    client.post(f"/threads/{thread.id}/reply", data={"body": payload})
    post = db.session.scalar(select(Post).where(Post.author_id == maria.id))
    assert post.body_markdown == payload
    form = client.get(f"/posts/{post.id}/edit").text
    assert "&lt;img src=x onerror=alert(1)&gt;\n\n**bold**</textarea>" in form


def test_links_get_nofollow_ugc_noopener(client, maria, thread):
    make_reply(
        thread,
        maria,
        body="[Our statutes](https://coop.example/statutes) and <https://b.example>",
    )
    page = client.get(f"/threads/{thread.id}").text
    assert (
        '<a href="https://coop.example/statutes" rel="nofollow ugc noopener">'
        "Our statutes</a>" in page
    )
    assert '<a href="https://b.example" rel="nofollow ugc noopener">' in page


@pytest.mark.parametrize(
    ("markdown", "html"),
    [
        (
            "```python\nif a < b:\n    print('<ok>')\n```",
            "<pre><code>if a &lt; b:\n    print('&lt;ok&gt;')\n</code></pre>",
        ),
        (
            "| Fund | Rate |\n|:--|--:|\n| Zitouna | 4% |",
            '<th align="left">Fund</th>\n<th align="right">Rate</th>',
        ),
        ("1. one\n2. two", "<ol>\n<li>one</li>\n<li>two</li>\n</ol>"),
        ("- a\n- b", "<ul>\n<li>a</li>\n<li>b</li>\n</ul>"),
        (
            "See https://ripess.example/map for more",
            '<a href="https://ripess.example/map" rel="nofollow ugc noopener">'
            "https://ripess.example/map</a>",
        ),
        ("> quoted\n\nmine", "<blockquote>\n<p>quoted</p>\n</blockquote>"),
        ("~~old~~ `code`", "<del>old</del> <code>code</code>"),
    ],
    ids=["fenced-code", "table", "ordered-list", "list", "autolink", "quote", "inline"],
)
def test_markdown_features_render(client, thread, markdown, html):
    post = make_reply(thread, body=markdown)
    assert html in post.body_html
    assert html in post_html(client.get(f"/threads/{thread.id}").text, post.id)


def test_mentions_of_members_link_to_their_profile(client, maria, thread):
    old_member(username="karim")
    post = make_reply(
        thread,
        maria,
        body="Thanks @Karim and @nobody; write `@karim` or karim@coop.example",
    )
    assert (
        '<a class="mention" href="/u/karim" rel="nofollow ugc noopener">@Karim</a>'
        in post.body_html
    )
    assert "@nobody" in post.body_html
    assert 'href="/u/nobody"' not in post.body_html
    assert "<code>@karim</code>" in post.body_html
    assert 'href="mailto:karim@coop.example"' in post.body_html
    assert post.body_html.count('class="mention"') == 1


def test_only_the_markup_module_uses_the_sanitiser_and_markdown():
    package = Path(forum.__file__).parent
    users = {
        path.relative_to(package).as_posix()
        for path in package.rglob("*.py")
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.lstrip().startswith(("import nh3", "from nh3", "import markdown"))
        or "nh3." in line
        or "markdown.markdown(" in line
    }
    assert users == {"markup.py"}
