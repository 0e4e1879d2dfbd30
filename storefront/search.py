"""Product search that forgives: full-text first, then pg_trgm for typos.

1. Every word the shopper typed must match (AND), each by prefix on the full-text
   document (name and SKU weight A, description B), or by one of its synonyms
   (`SYNONYMS`: "mug" also finds cups), or by naming the product's category
   ("decor" lists Wall Decor; synonyms do not widen to categories). An exact SKU always matches.
2. When that finds fewer than `FEW_RESULTS`, each word that is not a word of the
   catalog is corrected to its nearest catalog word by trigram similarity
   (PostgreSQL `pg_trgm`, in one statement): "candel" -> "candle", "vanila" ->
   "vanilla". The page then shows "Showing results for ... / Did you mean ...",
   and the corrected words match too, as do product names that are
   trigram-similar to the whole text (`%>`, served by a trigram index).

Queries per page are constant in catalog size: the catalog's word list is read
once per catalog version (cached), the correction is one query, the listing is
a count, a page and its images.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import reduce
from operator import and_

from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramWordSimilarity
from django.core.paginator import Page
from django.db import connection
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Greatest

from shopsocial.invalidation import CATALOG_WORDS, cached
from shopsocial.search_text import SEARCH_MAX_LENGTH, SEARCH_MAX_TERMS, search_text_clean

from .models import Product, ProductVariant
from .selectors import (
    CACHE_TTL,
    CategoryNode,
    category_tree,
    product_qs_active,
    products_paginate,
    products_with_images,
)

FEW_RESULTS = 3
# Least pg_trgm similarity for a correction (0.3 is pg_trgm's own default threshold).
CORRECTION_MIN_SIMILARITY = 0.3

# Words shoppers use for the same thing. Each group matches any of its words.
SYNONYM_GROUPS: tuple[tuple[str, ...], ...] = (
    ("candle", "tealight", "taper", "pillar", "wax"),
    ("mug", "cup"),
    ("towel", "linen", "cloth"),
    ("blanket", "throw"),
    ("decor", "décor", "wall", "art", "print", "hanging"),
    ("gift", "present", "box"),
    ("scent", "fragrance", "scented", "aroma"),
    ("holiday", "christmas", "seasonal", "harvest", "autumn", "fall", "thanksgiving"),
    ("planter", "pot", "succulent"),
    ("board", "platter", "tray"),
    ("jar", "jars"),
)
SYNONYMS: dict[str, tuple[str, ...]] = {
    word: tuple(other for other in group if other != word)
    for group in SYNONYM_GROUPS
    for word in group
}


@dataclass(frozen=True)
class SearchTerms:
    text: str  # what the shopper typed, cut to SEARCH_MAX_LENGTH
    too_long: bool
    terms: tuple[str, ...]

    @property
    def is_empty(self) -> bool:
        return not self.terms


def search_terms_parse(raw: str | None) -> SearchTerms:
    text = search_text_clean(raw)
    too_long = len(text) > SEARCH_MAX_LENGTH
    text = text[:SEARCH_MAX_LENGTH]
    # Letters and digits only: the tsquery syntax never sees user punctuation.
    terms = tuple(re.findall(r"[^\W_]+", text.lower()))[:SEARCH_MAX_TERMS]
    return SearchTerms(text=text, too_long=too_long, terms=terms)


@dataclass
class SearchResult:
    page: Page
    # The corrected text when some words were corrected ("candel" -> "candle").
    suggestion: str = ""
    # True when the results are those of the suggestion (the typed words found little).
    corrected: bool = False


# --- Building blocks ------------------------------------------------------------
def _stem_variants(term: str) -> set[str]:
    """The term and its singular, so "candles" meets the "candle" synonym group."""
    variants = {term}
    if len(term) > 3 and term.endswith("s"):
        variants.add(term[:-1])
    return variants


def _term_words(term: str) -> list[str]:
    words = [term]
    for variant in _stem_variants(term):
        for synonym in SYNONYMS.get(variant, ()):
            if synonym not in words:
                words.append(synonym)
    return words


def _tsquery(words: list[str], *, prefix_count: int = 1) -> SearchQuery:
    """Any of the words; the first `prefix_count` (typed) by prefix, synonyms whole."""
    safe = [re.sub(r"[^\w]", "", word) for word in words]
    raw = " | ".join(
        f"{word}:*" if i < prefix_count else word for i, word in enumerate(safe) if word
    )
    return SearchQuery(raw, search_type="raw", config="english") | SearchQuery(
        raw, search_type="raw", config="simple"
    )


def _category_ids(term: str, tree: list[CategoryNode]) -> list[int]:
    """Categories the typed word names ("decor" -> Wall Decor), with their sub-categories.

    Synonyms are not used here: "taper" must not list every candle.
    """
    if len(term) < 3:
        return []
    words = _stem_variants(term)
    ids: list[int] = []
    for node in tree:
        for candidate in (node, *node.children):
            name_words = re.findall(r"[^\W_]+", candidate.name.lower())
            if any(nw.startswith(w) or w.startswith(nw) for nw in name_words for w in words):
                ids.extend(candidate.ids)
    return ids


def _term_filter(term: str, tree: list[CategoryNode]) -> Q:
    condition = Q(search_vector=_tsquery(_term_words(term)))
    category_ids = _category_ids(term, tree)
    if category_ids:
        condition |= Q(category_id__in=category_ids)
    return condition


def catalog_words() -> frozenset[str]:
    """Every word of active product and category names (shared cache; catalog writes delete it)."""

    def build() -> frozenset[str]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT word FROM ts_stat($$"
                "SELECT to_tsvector('simple', name) FROM storefront_product WHERE active "
                "UNION ALL SELECT to_tsvector('simple', name) FROM storefront_category"
                "$$)"
            )
            words = frozenset(row[0] for row in cursor.fetchall())
        return words | frozenset(SYNONYMS)

    return cached(CATALOG_WORDS, build, timeout=CACHE_TTL)


def spelling_suggest(terms: tuple[str, ...]) -> tuple[str, ...]:
    """Each unknown word replaced by its most trigram-similar catalog word (one query)."""
    vocabulary = catalog_words()
    unknown = [
        term
        for term in terms
        if not any(ch.isdigit() for ch in term)
        and len(term) >= 3
        and not any(word.startswith(term) for word in vocabulary)
    ]
    if not unknown:
        return terms
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT t.term, best.word
            FROM unnest(%s::text[]) AS t(term)
            CROSS JOIN LATERAL (
                SELECT v.word FROM unnest(%s::text[]) AS v(word)
                WHERE similarity(v.word, t.term) >= %s
                ORDER BY similarity(v.word, t.term) DESC, length(v.word), v.word
                LIMIT 1
            ) AS best
            """,
            [unknown, sorted(vocabulary), CORRECTION_MIN_SIMILARITY],
        )
        corrections = dict(cursor.fetchall())
    return tuple(corrections.get(term, term) for term in terms)


def _variant_sku_match(text: str) -> Q:
    """Whole SKU always; a prefix only from 4 characters (SKU-like text, not a word)."""
    if len(text) >= 4 and " " not in text:
        return Q(sku__istartswith=text)
    return Q(sku__iexact=text)


def _search_queryset(
    terms: tuple[str, ...], text: str, *, alternatives: tuple[str, ...] = (), fuzzy: bool = False
) -> QuerySet[Product]:
    tree = category_tree()
    per_term = []
    for i, term in enumerate(terms):
        condition = _term_filter(term, tree)
        if alternatives and alternatives[i] != term:
            condition |= _term_filter(alternatives[i], tree)
        per_term.append(condition)
    condition = (
        reduce(and_, per_term)
        | Q(sku__iexact=text)
        # A variant's SKU ("CAN-SOY-CED-16") finds its product, whole or by prefix.
        | Exists(
            ProductVariant.objects.filter(product=OuterRef("pk"), active=True).filter(
                _variant_sku_match(text)
            )
        )
    )
    typed = [*terms, *alternatives]
    synonyms = [w for term in typed for w in _term_words(term)[1:]]
    rank = SearchRank(F("search_vector"), _tsquery(typed + synonyms, prefix_count=len(typed)))
    queryset = product_qs_active()
    if fuzzy:
        # Names like the whole text ("vanila bean" ~ "Vanilla Bean Jar Candle").
        condition |= Q(name__trigram_word_similar=text)
        queryset = queryset.annotate(rank=Greatest(rank, TrigramWordSimilarity(text, "name") * 0.2))
    else:
        queryset = queryset.annotate(rank=rank)
    return queryset.filter(condition).order_by("-rank", "name", "pk")


def _page(queryset: QuerySet[Product], page: str | None) -> Page:
    result = products_paginate(products_with_images(queryset), page)
    result.object_list = list(result.object_list)
    return result


# --- The search -----------------------------------------------------------------
def product_search(*, terms: SearchTerms, page: str | None) -> SearchResult:
    if terms.is_empty:
        return SearchResult(page=products_paginate(Product.objects.none(), 1))
    result = _page(_search_queryset(terms.terms, terms.text), page)
    if result.paginator.count >= FEW_RESULTS:
        return SearchResult(page=result)
    corrected_terms = spelling_suggest(terms.terms)
    suggestion = " ".join(corrected_terms) if corrected_terms != terms.terms else ""
    found_before = result.paginator.count
    result = _page(
        _search_queryset(terms.terms, terms.text, alternatives=corrected_terms, fuzzy=True), page
    )
    return SearchResult(
        page=result,
        suggestion=suggestion,
        corrected=bool(suggestion) and found_before == 0 and result.paginator.count > 0,
    )
