"""Find markup in a page that could run a script or load from another site.

Agora's own templates use no inline event handlers, no inline scripts except
JSON data, and load scripts and styles from /static only; anything else in a
page came from what a member wrote.
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlsplit

ACTIVE_SCHEMES = ("javascript:", "vbscript:", "data:")
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "xlink:href"}
LOADING_ATTRIBUTES = {"src", "srcset", "data", "poster", "background"}
FORBIDDEN_TAGS = {"iframe", "frame", "object", "embed", "applet", "base", "svg", "math"}


class _Inspector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        self._check(tag, dict(attrs))

    def handle_startendtag(self, tag, attrs):
        self._check(tag, dict(attrs))

    def _check(self, tag: str, attrs: dict[str, str | None]) -> None:
        where = f"<{tag} {attrs}>"
        if tag in FORBIDDEN_TAGS:
            self.problems.append(f"forbidden element {where}")
        if tag == "script" and not _own_script(attrs):
            self.problems.append(f"script not from /static {where}")
        if tag == "meta" and (attrs.get("http-equiv") or "").lower() == "refresh":
            self.problems.append(f"meta refresh {where}")
        stylesheet = tag == "link" and "stylesheet" in (attrs.get("rel") or "").lower()
        if stylesheet and not (attrs.get("href") or "").startswith("/static/"):
            self.problems.append(f"foreign stylesheet {where}")
        for name, value in attrs.items():
            self._check_attribute(name, value or "", where)

    def _check_attribute(self, name: str, value: str, where: str) -> None:
        if name.startswith("on"):
            self.problems.append(f"event handler {name} in {where}")
        if name == "style" and "url(" in value.replace(" ", "").lower():
            self.problems.append(f"style loading a URL in {where}")
        compact = "".join(value.split()).lower()
        if name in URL_ATTRIBUTES and compact.startswith(ACTIVE_SCHEMES):
            self.problems.append(f"active URL in {name} of {where}")
        if name in LOADING_ATTRIBUTES and urlsplit(value.strip()).netloc:
            self.problems.append(f"resource from another site in {where}")


def _own_script(attrs: dict[str, str | None]) -> bool:
    if (attrs.get("type") or "") == "application/json":
        return "src" not in attrs
    return (attrs.get("src") or "").startswith("/static/")


def dangerous_markup(html: str) -> list[str]:
    """Return a description of each element or attribute in `html` that could attack."""
    inspector = _Inspector()
    inspector.feed(html)
    inspector.close()
    return inspector.problems
