"""Language-aware analysis: case and accent folding, stemming, Arabic normalisation.

Every document is indexed twice: once in a field analysed for its own language
(stemmed with that language's Snowball stemmer) and once in a language-neutral
field (folded, not stemmed). A query is analysed the same ways, so "economie"
finds "économie", "coopératives" finds "coopérative", and an Arabic query finds
Arabic text written with or without vowel marks.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import Stemmer
from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer
from whoosh.lang.isri import ISRIStemmer

# Languages with their own stemmed field, and the Snowball algorithm for each.
# Arabic uses Whoosh's ISRI root stemmer instead: Snowball's light Arabic
# stemmer leaves plurals without the article unstemmed (تعاونيات -> تعاونيا
# but التعاونيات -> تعاون), which loses more matches than roots conflate.
STEMMERS = {
    "en": "english",
    "fr": "french",
    "es": "spanish",
    "it": "italian",
    "pt": "portuguese",
    "el": "greek",
    "ar": "arabic",
    "tr": "turkish",
    "ca": "catalan",
}

# Words in any script: letters and digits, with the combining marks that
# Python's \w leaves out (Arabic vowel signs, decomposed Latin accents).
_WORD_CHAR = r"(?:[^\W_]|[\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed])"
TOKEN_PATTERN = re.compile(rf"{_WORD_CHAR}+(?:['’]{_WORD_CHAR}+)*")

_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
_TATWEEL = "\u0640"
_ALEF_FORMS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا"})
_FINAL_FORMS = str.maketrans({"ى": "ي", "ة": "ه"})
_ELISION = re.compile(
    r"^(?:l|d|j|m|n|s|t|c|qu|jusqu|lorsqu|puisqu|dell|all|dall|nell|sull|un)['’]"
)


def normalise_arabic(text: str) -> str:
    """Remove vowel marks and tatweel, and unify the forms of alef."""
    return _ARABIC_MARKS.sub("", text).replace(_TATWEEL, "").translate(_ALEF_FORMS)


def fold_arabic_endings(text: str) -> str:
    """Fold alef maqsura into ya and ta marbuta into ha."""
    return text.translate(_FINAL_FORMS)


def strip_accents(text: str) -> str:
    """Remove Latin and Greek accents (é -> e, ά -> α), keeping other scripts whole."""
    decomposed = unicodedata.normalize("NFD", text)
    kept = "".join(
        char
        for char in decomposed
        if not (unicodedata.combining(char) and _is_latin_or_greek_mark(char))
    )
    return unicodedata.normalize("NFC", kept)


def _is_latin_or_greek_mark(char: str) -> bool:
    # Combining diacritical marks used by Latin and Greek; Arabic marks are
    # handled by normalise_arabic, other scripts' marks are meaningful.
    return "\u0300" <= char <= "\u036f"


class _MapFilter(Filter):
    """Apply a function to each token's text, dropping tokens that become empty."""

    def __init__(self, function):
        self.function = function

    def __eq__(self, other):
        return type(self) is type(other) and self.function is other.function

    def __call__(self, tokens):
        for token in tokens:
            token.text = self.function(token.text)
            if token.text:
                yield token


class _StemFilter(Filter):
    """Stem each token: Snowball (PyStemmer, in C), or ISRI roots for Arabic."""

    def __init__(self, algorithm: str):
        self.algorithm = algorithm
        if algorithm == "arabic":
            self.stemmer = _IsriAdapter()
        else:
            self.stemmer = Stemmer.Stemmer(algorithm, 50_000)

    def __eq__(self, other):
        return type(self) is type(other) and self.algorithm == other.algorithm

    def __getstate__(self):
        return {"algorithm": self.algorithm}

    def __setstate__(self, state):
        self.__init__(state["algorithm"])

    def __call__(self, tokens):
        stem = self.stemmer.stemWord
        for token in tokens:
            token.text = stem(token.text)
            yield token


class _IsriAdapter:
    """Give Whoosh's ISRI stemmer PyStemmer's method name, with a cache."""

    def __init__(self):
        self._isri = ISRIStemmer()
        self.stemWord = lru_cache(maxsize=50_000)(self._stem)  # noqa: N815

    def _stem(self, word: str) -> str:
        return self._isri.stem(word) if _is_arabic(word) else word


def _is_arabic(word: str) -> bool:
    return any("\u0600" <= char <= "\u06ff" for char in word)


def _strip_elision(text: str) -> str:
    return _ELISION.sub("", text)


def _base():
    return (
        RegexTokenizer(TOKEN_PATTERN)
        | LowercaseFilter()
        | _MapFilter(normalise_arabic)
        | _MapFilter(_strip_elision)
    )


@lru_cache
def base_analyzer():
    """Analyse text without stemming or accent folding: for a stemmer to read."""
    return _base()


@lru_cache
def folding_analyzer():
    """Analyse text in any language without stemming: lower case, no accents."""
    return _base() | _MapFilter(fold_arabic_endings) | _MapFilter(strip_accents)


@lru_cache
def language_analyzer(language: str):
    """Analyse text in `language`: fold, stem with its stemmer, then strip accents.

    Stemming comes before accent folding because the stemmers know the
    accented endings; the query goes through the same steps, so an unaccented
    query meets the accented text after both are folded.
    """
    stemmer = STEMMERS[language]
    return (
        _base()
        | _StemFilter(stemmer)
        | _MapFilter(fold_arabic_endings)
        | _MapFilter(strip_accents)
    )


def plain_text(text: str) -> str:
    """Return `text` with Arabic marks removed and accents kept: for snippets."""
    return normalise_arabic(text)
