"""Language-aware analysis, tested on real sentences."""

from __future__ import annotations

import pytest

from search_index import folding_analyzer, language_analyzer
from search_index.analysis import fold_arabic_endings, normalise_arabic


def terms(analyzer, text: str) -> list[str]:
    return [token.text for token in analyzer(text)]


def test_folding_removes_case_and_latin_accents():
    text = "L'Économie Sociale à Tunis, Cláusulas públicas, città"
    assert terms(folding_analyzer(), text) == [
        "economie", "sociale", "a", "tunis", "clausulas", "publicas", "citta",
    ]  # fmt: skip


def test_folding_removes_greek_accents():
    assert terms(folding_analyzer(), "Κοινωνική Οικονομία") == [
        "κοινωνικη",
        "οικονομια",
    ]


def test_arabic_normalisation_removes_marks_and_unifies_letters():
    # Tashkeel, tatweel, the forms of alef, alef maqsura and ta marbuta.
    assert normalise_arabic("الاقتصادُ الاجتماعيّ") == "الاقتصاد الاجتماعي"
    assert normalise_arabic("التعاونيـــات") == "التعاونيات"
    assert normalise_arabic("أمل إدارة آفاق") == "امل ادارة افاق"
    assert fold_arabic_endings("مستشفى تعاونية") == "مستشفي تعاونيه"


def test_arabic_with_and_without_vowel_marks_analyse_the_same():
    marked = "الاقتصادُ الاجتماعيُّ والتَّضامُنيّ للتعاونيـــات النسائيّة"
    bare = "الاقتصاد الاجتماعي والتضامني للتعاونيات النسائيه"
    assert terms(language_analyzer("ar"), marked) == terms(
        language_analyzer("ar"), bare
    )


@pytest.mark.parametrize(
    ("language", "one", "other"),
    [
        ("fr", "coopératives", "coopérative"),
        ("fr", "économiques", "economie"),
        ("en", "providers", "provider"),
        ("en", "cooperatives", "cooperative"),
        ("es", "cooperativas", "cooperativa"),
        ("es", "contratación", "contratacion"),
        ("it", "imprese", "impresa"),
        ("pt", "habitações", "habitação"),
        ("el", "επιχειρήσεις", "επιχείρηση"),
        ("el", "κοινωνικές", "κοινωνική"),
        ("ar", "التعاونيات", "تعاونية"),
        ("ar", "بالقروض", "قروض"),
    ],
)
def test_stemming_conflates_forms_of_a_word(language, one, other):
    analyse = language_analyzer(language)
    assert terms(analyse, one) == terms(analyse, other)


def test_stemming_keeps_different_words_apart():
    analyse = language_analyzer("fr")
    assert terms(analyse, "formation") != terms(analyse, "financement")


def test_french_elision_is_split_from_the_word():
    assert terms(folding_analyzer(), "l'épargne d'entreprise") == [
        "epargne",
        "entreprise",
    ]
