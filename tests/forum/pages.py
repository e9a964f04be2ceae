"""Reading forum pages the way a reader does: which threads, which posts, in order."""

from __future__ import annotations

import re

THREAD_LINK = re.compile(r'class="thread-row__title">.*?href="/threads/(\d+)"', re.S)
POST_ARTICLE = re.compile(r'<article id="post-(\d+)" class="([^"]*)"')


def section(html: str, heading_id: str) -> str:
    """Return the <section> labelled by the heading `heading_id`."""
    start = html.index(f'aria-labelledby="{heading_id}"')
    return html[start : html.index("</section>", start)]


def listed_threads(html: str) -> list[int]:
    """Return the ids of the threads listed, in order."""
    return [int(found) for found in THREAD_LINK.findall(html)]


def thread_row(html: str, thread_id: int) -> str:
    """Return the list row of one thread."""
    link = html.index(f'href="/threads/{thread_id}"')
    start = html.rindex('<li class="thread-row', 0, link)
    return html[start : html.index("</li>", link)]


def posts_shown(html: str) -> list[int]:
    """Return the ids of the posts on a thread page, in order."""
    return [int(post_id) for post_id, _ in POST_ARTICLE.findall(html)]


def post_classes(html: str) -> dict[int, set[str]]:
    """Return each post's CSS classes, by post id."""
    return {int(i): set(classes.split()) for i, classes in POST_ARTICLE.findall(html)}


def post_html(html: str, post_id: int) -> str:
    """Return the <article> of one post."""
    start = html.index(f'<article id="post-{post_id}"')
    return html[start : html.index("</article>", start)]
