"""Find a retailer (company site): by name, place, Retailer ID, web address or distance.

- A Retailer ID (`retailer_number`) or a storefront's web address
  (`kristannaloken.shopsocialscenes.com`, with or without `https://` and a path, or
  just the shop's name in the address) finds that one shop.
- A five-digit ZIP code known to the offline ZIP-centroid data of the `zipcodes`
  package lists the shops within `RADII_MILES` (the first radius that finds any),
  nearest first, with the distance. Retailers' ZIP codes are looked up in the same
  data; nothing leaves the server.
- Anything else: every word must start a word of a shop's name or city, or be its state
  (code or one-word name, matched exactly) or a ZIP prefix; when nothing matches, the
  shops whose names are most like the text (pg_trgm), for misspelt names.
- An empty search shows featured shops: the caller says which (`featured=`; the company
  site passes `orders.selectors.retailers_best_selling`, the shops with the most paid
  orders lately, since the retailers app sits below orders); the newest shops otherwise.

Queries are constant: at most one per radius, plus one for the Retailer ID or address.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.postgres.search import TrigramWordSimilarity
from django.db.models import Q, QuerySet
from django.db.models.functions import Left

from shopsocial.contact import STATE_LIST_CODES
from shopsocial.search_text import SEARCH_MAX_LENGTH, SEARCH_MAX_TERMS, search_text_clean

from .models import Retailer

FINDER_MAX_RESULTS = 50
RADII_MILES = (25, 100, 250)
FEATURED_COUNT = 6
EARTH_RADIUS_MILES = 3958.8
# Least pg_trgm word similarity for a misspelt shop name (pg_trgm's own default is 0.3).
NAME_LIKENESS_MIN = 0.4
_STATE_CODES = STATE_LIST_CODES


@cache
def _state_names() -> dict[str, str]:
    """ "oregon" -> "OR": one-word names of the state list (built on first use: they are lazy)."""
    from localflavor.us.us_states import STATE_CHOICES

    return {str(name).lower(): code for code, name in STATE_CHOICES if " " not in str(name)}


_ZIP_RE = re.compile(r"(\d{5})(?:-\d{4})?")
_NUMBER_RE = re.compile(r"\d{4,16}")
_ADDRESS_RE = re.compile(r"(?:https?://)?([a-z0-9-]+(?:\.[a-z0-9-]+)+)(?::\d+)?(?:/.*)?", re.I)


@dataclass(frozen=True)
class Place:
    zip_code: str
    city: str
    state: str
    lat: float
    lng: float


@dataclass(frozen=True)
class Found:
    retailer: object  # retailers.models.Retailer
    miles: float | None = None

    @property
    def miles_display(self) -> str:
        if self.miles is None:
            return ""
        return "less than 1 mile" if self.miles < 1 else f"{self.miles:.0f} miles"


@dataclass
class FinderResult:
    kind: str  # "featured", "id", "address", "zip", "text"
    found: list[Found] = field(default_factory=list)
    origin: Place | None = None
    radius: int | None = None


@cache
def _zip_table() -> dict[str, Place]:
    """ZIP code -> centroid, from the zipcodes package's bundled data (loaded once)."""
    import zipcodes

    table = {}
    for row in zipcodes.list_all():
        try:
            lat, lng = float(row["lat"]), float(row["long"])
        except (KeyError, TypeError, ValueError):
            continue
        table[row["zip_code"]] = Place(row["zip_code"], row["city"], row["state"], lat, lng)
    return table


def zip_place(zip_code: str) -> Place | None:
    return _zip_table().get(zip_code[:5])


def miles_between(a: Place, b: Place) -> float:
    """Great-circle (haversine) distance."""
    lat1, lat2 = math.radians(a.lat), math.radians(b.lat)
    dlat, dlng = lat2 - lat1, math.radians(b.lng - a.lng)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlng / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(math.sqrt(h))


def zips_within(origin: Place, miles: float) -> dict[str, float]:
    """Every ZIP code whose centroid is within `miles` of the origin, with its distance."""
    # A latitude/longitude box first (cheap), then the exact distance.
    dlat = miles / 69.0
    dlng = miles / max(69.0 * math.cos(math.radians(origin.lat)), 1e-6)
    near = {}
    for code, place in _zip_table().items():
        if abs(place.lat - origin.lat) <= dlat and abs(place.lng - origin.lng) <= dlng:
            distance = miles_between(origin, place)
            if distance <= miles:
                near[code] = distance
    return near


def retailers_active() -> QuerySet[Retailer]:
    """Active retailers (not the company), with the fields the finder shows."""
    return Retailer.objects.filter(kind=Retailer.Kind.RETAILER, status=Retailer.Status.ACTIVE).only(
        "slug", "display_name", "city", "state", "postal_code", "kind", "status", "retailer_number"
    )


def retailer_active_by_number(number: str):
    """The active retailer with this Retailer ID, or None (anything else typed: None)."""
    compact = (number or "").strip()
    if not _NUMBER_RE.fullmatch(compact):
        return None
    return retailers_active().filter(retailer_number=compact).first()


def _slug_from_address(text: str) -> str | None:
    """The storefront's slug from a web address on our domain, or a bare slug-like word."""
    match = _ADDRESS_RE.fullmatch(text.strip())
    if not match:
        return None
    host = (urlsplit(text if "//" in text else f"//{text}").hostname or "").lower()
    domain = settings.SHOP_DOMAIN.lower()
    if host.endswith("." + domain):
        label = host[: -len(domain) - 1]
        return label if "." not in label else None
    return None


def _word_q(word: str) -> Q:
    """One typed word: the start of a word of the name or city ("can" finds "Candle Cove",
    never "Pecan Place"), a two-letter state code or a state's name ("OR", "Oregon": that
    state only, plus names and cities with that whole word), a ZIP prefix, the shop's
    address name."""
    escaped = re.escape(word)
    state = _state_names().get(word.lower()) or (
        word.upper() if word.upper() in _STATE_CODES else ""
    )
    # A state: whole words only (the state itself matched exactly); otherwise word starts.
    pattern = rf"\m{escaped}\M" if state else rf"\m{escaped}"
    named = Q(display_name__iregex=pattern) | Q(city__iregex=pattern) | Q(slug__iexact=word)
    return named | (Q(state__iexact=state) if state else Q(postal_code__startswith=word))


def retailer_search(*, text: str) -> list:
    """Active retailers matching every word (`_word_q`); when none does, the names most like
    the text (pg_trgm word similarity: "Candel Cove" finds "Candle Cove")."""
    text = search_text_clean(text)[:SEARCH_MAX_LENGTH]
    words = re.findall(r"[^\s,]+", text)[:SEARCH_MAX_TERMS]
    if not words:
        return []
    fields = ("slug", "display_name", "city", "state", "postal_code", "kind", "status")
    queryset = Retailer.objects.filter(kind=Retailer.Kind.RETAILER, status=Retailer.Status.ACTIVE)
    matched = queryset
    for word in words:
        matched = matched.filter(_word_q(word))
    found = list(matched.only(*fields).order_by("display_name", "pk")[:FINDER_MAX_RESULTS])
    if found or text.isdigit():
        return found
    return list(
        queryset.annotate(likeness=TrigramWordSimilarity(text, "display_name"))
        .filter(likeness__gte=NAME_LIKENESS_MIN)
        .only(*fields)
        .order_by("-likeness", "display_name", "pk")[:FINDER_MAX_RESULTS]
    )


def retailers_near(origin: Place) -> tuple[list[Found], int]:
    for radius in RADII_MILES:
        near = zips_within(origin, radius)
        rows = retailers_active().annotate(zip5=Left("postal_code", 5)).filter(zip5__in=list(near))
        found = sorted(
            (Found(r, near[r.zip5]) for r in rows),
            key=lambda f: (f.miles, f.retailer.display_name, f.retailer.pk),
        )
        if found:
            return found[:FINDER_MAX_RESULTS], radius
    return [], RADII_MILES[-1]


def retailers_newest(*, limit: int = FEATURED_COUNT) -> list[Retailer]:
    return list(retailers_active().order_by("-created_at", "pk")[:limit])


def retailer_find(
    *, text: str, featured: Callable[[], list[Retailer]] = retailers_newest
) -> FinderResult:
    text = search_text_clean(text)[:SEARCH_MAX_LENGTH]
    if not text:
        return FinderResult("featured", [Found(r) for r in featured()])
    compact = text.replace(" ", "")
    if not _ZIP_RE.fullmatch(compact) and (shop := retailer_active_by_number(compact)):
        return FinderResult("id", [Found(shop)])
    zip_match = _ZIP_RE.fullmatch(compact)
    if zip_match and (origin := zip_place(zip_match.group(1))):
        found, radius = retailers_near(origin)
        return FinderResult("zip", found, origin=origin, radius=radius)
    slug = _slug_from_address(text)
    if slug:
        shop = retailers_active().filter(slug=slug).first()
        return FinderResult("address", [Found(shop)] if shop else [])
    return FinderResult("text", [Found(r) for r in retailer_search(text=text)])
