"""Markdown to safe HTML, done once at write time for every place that takes Markdown.

Python-Markdown renders; nh3 then keeps only an explicit allowlist of tags,
attributes and URL schemes. The stored HTML is the only thing templates mark
as safe.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from collections.abc import Callable

import markdown
import nh3
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "del", "em", "h2", "h3", "h4",
    "h5", "h6", "hr", "li", "ol", "p", "pre", "strong", "sub", "sup", "table",
    "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip

ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "td": {"align"},
    "th": {"align"},
    "ol": {"start"},
}

ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}

LINK_REL = "nofollow ugc noopener"

# The only class kept is ours: a mention link.
ALLOWED_CLASSES = {"a": {"mention"}}

_cleaner = nh3.Cleaner(
    allowed_classes=ALLOWED_CLASSES,
    tags=ALLOWED_TAGS,
    clean_content_tags={"script", "style"},
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes=ALLOWED_URL_SCHEMES,
    link_rel=LINK_REL,
    strip_comments=True,
)

_EXTENSIONS = [
    "fenced_code",
    "tables",
    "sane_lists",
    "nl2br",
    "pymdownx.magiclink",
    "pymdownx.tilde",
]


# @username, not inside an email address or a path.
MENTION_PATTERN = r"(?<![\w@/.])@([A-Za-z0-9][A-Za-z0-9_.-]{1,28}[A-Za-z0-9_])"
MENTION = re.compile(MENTION_PATTERN)


def extract_mentions(text: str) -> set[str]:
    """Return the lower-cased usernames written as @username in `text`."""
    return {name.lower() for name in MENTION.findall(_without_code(text or ""))}


def _without_code(text: str) -> str:
    """Drop fenced and inline code, where an @ is not a mention."""
    text = re.sub(r"```.*?```", " ", text, flags=re.S)
    return re.sub(r"`[^`\n]*`", " ", text)


class _MentionPattern(InlineProcessor):
    def __init__(self, pattern: str, profile_url: Callable[[str], str | None]):
        super().__init__(pattern)
        self.profile_url = profile_url

    def handleMatch(self, match, data):  # noqa: N802 (Python-Markdown's API)
        url = self.profile_url(match.group(1).lower())
        if url is None:
            return None, None, None
        link = etree.Element("a", {"href": url, "class": "mention"})
        link.text = "@" + match.group(1)
        return link, match.start(0), match.end(0)


class _MentionExtension(Extension):
    def __init__(self, profile_url):
        super().__init__()
        self.profile_url = profile_url

    def extendMarkdown(self, md):  # noqa: N802 (Python-Markdown's API)
        md.inlinePatterns.register(
            _MentionPattern(MENTION_PATTERN, self.profile_url), "mention", 175
        )


def render_markdown(
    text: str, *, profile_url: Callable[[str], str | None] | None = None
) -> str:
    """Turn a member's Markdown into sanitised HTML ready to store.

    With `profile_url`, each @username it knows (returns a URL for) becomes a
    link to that member's profile.
    """
    extensions = list(_EXTENSIONS)
    if profile_url is not None:
        extensions.append(_MentionExtension(profile_url))
    html = markdown.markdown(
        text or "",
        extensions=extensions,
        # `align`, not a style attribute, so that the allowlist keeps it.
        extension_configs={"tables": {"use_align_attribute": True}},
        output_format="html",
    )
    return sanitise_html(html)


def sanitise_html(html: str) -> str:
    """Keep only the allowlisted tags, attributes and URL schemes."""
    return _cleaner.clean(html)
