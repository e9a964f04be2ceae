"""The 200 queries of bench/search.py: (query text, filters as API arguments).

Single words, two and three words, quoted phrases, and searches with facet
filters, in the seven indexed languages; French with and without accents,
Arabic with and without vowel marks; a few misspellings (no match: the
suggestion path).
"""

from __future__ import annotations

SINGLE_WORDS = [
    "cooperative", "cooperatives", "microcredit", "beekeeping", "municipality",
    "training", "recycling", "irrigation", "tourism", "solar", "fishers",
    "grocery", "insurance", "consortium", "guarantee", "harvest", "apprenticeships",
    "coopérative", "cooperative", "économie", "economie", "épicerie", "epicerie",
    "maraîchage", "maraichage", "réemploi", "reemploi", "collectivité",
    "collectivite", "apiculture", "artisanat", "subvention", "cotisations",
    "cooperativa", "ayuntamiento", "formación", "formacion", "micromecenazgo",
    "riego", "comune", "riciclo", "emporio", "agricoltori", "autarquia",
    "reciclagem", "azeite", "μελισσοκομία", "μελισσοκομια", "συνεταιρισμός",
    "ελαιολάδου", "ανακύκλωση", "تعاونية", "التعاونيات", "النحل", "الطاقة",
    "البلدية", "القروض", "الزيتون", "cooperativ", "microcredt",
]  # fmt: skip

TWO_WORDS = [
    "olive oil", "solar energy", "social clauses", "public tenders",
    "guarantee fund", "women cooperative", "home care", "seed bank",
    "fair prices", "digital tools", "general assembly", "cold room",
    "bank loan", "waiting list", "rural tourism", "textile recycling",
    "énergie solaire", "energie solaire", "huile olive", "circuits courts",
    "épicerie solidaire", "epicerie solidaire", "marchés publics",
    "marches publics", "femmes rurales", "commande publique",
    "aceite oliva", "energía solar", "energia solar", "comercio justo",
    "personas mayores", "olio oliva", "mense scolastiche", "banca etica",
    "energia comunitária", "habitação social", "ηλιακή ενέργεια",
    "κοινωνικό παντοπωλείο", "زيت الزيتون", "الطاقة الشمسية",
    "تربية النحل", "النساء الريفيات", "قرض بنكي", "الحرف اليدوية",
    "microcredit artisans",
]  # fmt: skip

THREE_WORDS = [
    "microcredit for women", "training municipal staff", "community solar roofs",
    "social impact measurement", "recycling cooperatives contracts",
    "young farmers guarantee", "cooperative olive oil", "one member one vote",
    "fonds de garantie", "formation au numérique", "formation au numerique",
    "collecte des invendus", "tourisme rural durable", "chambre d'agriculture région",
    "reciclaje textil cooperativa", "banca ética préstamo", "riego eficiente agua",
    "riciclo tessile cooperativa", "fondo di garanzia",
    "assistenza domiciliare anziani",
    "horticultura biológica jovens", "apoio domiciliário idosos",
    "ανακύκλωση ρούχων συνεταιρισμός", "μικροπιστώσεις για τεχνίτες",
    "إعادة تدوير المنسوجات", "القروض الصغرى للحرفيين", "جمع فائض الأغذية",
    "الصحة المتنقلة الأرياف", "إصلاح شباك الصيد", "التمويل التضامني النساء",
]  # fmt: skip

PHRASES = [
    '"olive oil processing"', '"fair trade handicrafts"', '"general assembly"',
    '"one member, one vote"', '"social economy"', '"waiting list"',
    '"public tender procedures"', '"shared workshop"', '"école de la deuxième chance"',
    '"épicerie solidaire"', '"epicerie solidaire"', '"énergie solaire citoyenne"',
    '"circuits courts"', '"un membre, une voix"', '"comercio justo"',
    '"tienda en línea"', '"energia solare"', '"lista d\'attesa"',
    '"comércio justo"', '"κοινωνικό παντοπωλείο"', '"δίκαιες τιμές"',
    '"زيت الزيتون"', '"الطاقة الشمسية المجتمعية"', '"صوت واحد"',
    '"قائمة الانتظار"',
]  # fmt: skip

FILTERED = [
    ("cooperative", {"type": "practices"}),
    ("cooperative", {"country": "TN"}),
    ("training", {"theme": "training-skills"}),
    ("solar", {"theme": "renewable-energy", "type": "practices"}),
    ("microcredit", {"country": "MA"}),
    ("women", {"theme": "women-youth-entrepreneurship"}),
    ("recycling", {"theme": "circular-economy", "country": "JO"}),
    ("loan", {"type": "posts"}),
    ("municipality", {"type": "threads"}),
    ("olive oil", {"lang": "en"}),
    ("coopérative", {"lang": "fr"}),
    ("cooperative", {"lang": "fr", "type": "practices"}),
    ("economie solidaire", {"country": "FR"}),
    ("énergie", {"theme": "renewable-energy"}),
    ("maraichage", {"country": "TN", "type": "practices"}),
    ("formation", {"actor_type": "training_provider"}),
    ("artisanat", {"lang": "fr", "theme": "tourism-culture"}),
    ("cooperativa", {"lang": "es"}),
    ("cooperativa", {"country": "IT"}),
    ("comercio justo", {"country": "ES", "type": "practices"}),
    ("apicultura", {"lang": "pt"}),
    ("formazione", {"theme": "training-skills", "lang": "it"}),
    ("ελαιολάδου", {"country": "GR"}),
    ("συνεταιρισμός", {"lang": "el"}),
    ("تعاونية", {"lang": "ar"}),
    ("التعاونيات", {"country": "EG"}),
    ("الطاقة الشمسية", {"theme": "renewable-energy"}),
    ("النحل", {"type": "practices", "lang": "ar"}),
    ("insurance", {"actor_type": "sse_enterprise"}),
    ("guarantee", {"theme": "social-finance", "type": "practices"}),
    ("tourism", {"country": "GR", "theme": "tourism-culture"}),
    ("health", {"theme": "health-care"}),
    ("digital", {"theme": "digital", "type": "practices"}),
    ("procurement", {"theme": "public-procurement-partnerships"}),
    ("food", {"theme": "agriculture-food", "country": "EG"}),
    ("employment", {"theme": "employment-inclusion", "lang": "en"}),
    ("assembly", {"theme": "governance-cooperatives"}),
    ("", {"type": "practices", "country": "LB"}),
    ("", {"theme": "social-finance", "lang": "ar"}),
    ("", {"type": "practices", "actor_type": "public_administration"}),
]

QUERIES: list[tuple[str, dict]] = [
    (text, {}) for text in SINGLE_WORDS + TWO_WORDS + THREE_WORDS + PHRASES
] + FILTERED
assert len(QUERIES) == 200, len(QUERIES)
