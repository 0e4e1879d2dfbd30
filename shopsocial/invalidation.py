"""What each write makes stale, declared once (docs/caching.md).

`RULES` maps every model that a cached page or an origin memo reads to:

- the surrogate keys of the pages that show a row (`product-42`, `category-7`,
  `storefront-alice`, `menu`, `policy` ...): Varnish tags each anonymous page with
  the keys of what it shows (the `xkey` header, storefront/caching.py) and a write
  purges exactly those pages, after commit;
- the origin cache entries its rows feed (`cache`: keys in Django's "shared" cache,
  read through `cached()`: the host map, the category tree, the search words, the
  policy versions ...), deleted at once and again after commit.

Every way the ORM writes is observed here, so no caller has to remember anything:
`post_save`, `post_delete` (queryset `delete()` and the admin's bulk delete send it
per row, because a receiver is connected) and `m2m_changed` are connected in
`connect()`; queryset `update()`, `bulk_create()` and `bulk_update()` go through
`InvalidatingQuerySet` (each mapped model's manager).

Stock moves with every order. A stock-only update (`quiet` fields) purges a row's
pages only when what they show of it changes (`shown`: in or out of stock, "only 3
left"), so an order on alice's storefront purges nothing on bob's unless it sells a
product out.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import secrets
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.core.cache import caches
from django.core.cache.utils import make_template_fragment_key
from django.db import connection, transaction
from django.db.models import Model, Q, QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from shopsocial import varnish

logger = logging.getLogger(__name__)

# On every storefront page: the category menu, the policy notice in the footer, and
# `catalog` (what changes the whole catalog at once: the demo seed, an import).
EVERY_PAGE_KEYS = ("catalog", "menu", "policy")


def storefront_key(slug: str) -> str:
    """Every page of one storefront (its header, its content), by the retailer's slug."""
    return f"storefront-{slug}"


# --- Origin cache entries (Django's "shared" cache), each named once -----------------
CACHE_ALIAS = "shared"
CATEGORY_TREE = "category-tree"
CATALOG_WORDS = "catalog-words"
BESTSELLER_IDS = "bestseller-ids"
POLICY_PUBLISHED = "policy-published"
NEXT_HOLD_EXPIRY = "next-hold-expiry"


def shipping_method_key(code: str) -> str:
    return f"shipping-method:{code}"


HOST_KEY_PREFIX = "host:"


def host_key(hostname: str) -> str:
    return f"{HOST_KEY_PREFIX}{hostname}"


def breach_list_key(incident_pk: int) -> str:
    return f"breach-list-count:{incident_pk}"


# Whether any breach notice waits for acknowledgement anywhere: while none does (nearly
# always), a signed-in page reads no notice (privacy.selectors).
BREACH_OPEN = "breach-open"

# "My team" (retailers/team/views.py): the rendered team section is kept under two
# tokens, one per member and one for the whole plan; deleting a token retires every
# section rendered under it. A member's token goes when what their page shows changes:
# their downline (an enrolment or a move below them), a downline member's name, number,
# storefront or month's volume, their sponsor's contact. The plan's goes with the plan,
# its ranks and rates, and every month close (which writes standings and overrides in
# set-based SQL, in the transaction that writes the MonthClose row).
TEAM_ALL = "team-all"


def team_member_key(member_pk: int) -> str:
    return f"team:{member_pk}"


# --- Template fragments (`{% cache FRAGMENT_SECONDS name vary... using="shared" %}`) -----
# Each fragment is named here with what it varies on, so a write deletes exactly the
# fragments that show its row (the templates use the same names and the same order).
FRAGMENT_SECONDS = 3600  # the templates' literal: a bound on memory, not on freshness
MENU_FRAGMENT = "menu"  # storefront/partials/nav_items.html, by the current category slug
PRODUCT_CARD_FRAGMENT = "product-card"  # storefront/partials/product_card.html, by product
PRODUCT_REVIEWS_FRAGMENT = "product-reviews"  # reviews/partials/product_reviews.html
# storefront/product.html as every shopper first sees it (no variant named in the query,
# no form error): the gallery, name, price, stock and the add-to-cart form; and its JSON-LD.
PRODUCT_PAGE_FRAGMENT = "product-page"
PRODUCT_PAGE_PARTS = ("gallery", "info")
PRODUCT_LD_FRAGMENT = "product-ld"


# What a kept fragment shows that a deploy can change besides the templates: settings
# rendered inside a `{% cache %}` block, directly or through a context processor, a tag
# or a URL built from them (read off every block and what it includes). A release that
# changes one starts new fragments, as a changed template does.
FRAGMENT_SETTINGS = (
    "COMPANY",  # the footer: name, address, phone, email (context processor `site`)
    "AUTOSHIP_DISCOUNT_PERCENT",  # the product page's "info" part (the autoship choice)
    "MEDIA_URL",  # the pictures' URLs in cards and the gallery (with STORAGES["default"])
    "STATIC_URL",  # `{% static %}` in the product page's "info" part
    "DEBUG",  # hashed static names or not (shopsocial.storage.StaticFilesStorage)
    # company_url(): the JSON-LD's canonical and image URLs, the headers' "join" link.
    "SHOP_SCHEME",
    "SHOP_DOMAIN",
    "SHOP_PORT",
)


def _fragment_settings() -> bytes:
    """FRAGMENT_SETTINGS' values and the public media storage's backend and options
    (what its URLs are built from: an S3 bucket's domain, its protocol), credentials left
    out: a rotated key changes no URL."""
    import json

    from django.conf import settings

    media = settings.STORAGES.get("default", {})
    options = {
        name: value
        for name, value in media.get("OPTIONS", {}).items()
        if not any(word in name for word in ("key", "secret", "token", "password"))
    }
    values = {name: getattr(settings, name, None) for name in FRAGMENT_SETTINGS}
    values["STORAGES.default"] = {"BACKEND": media.get("BACKEND"), "OPTIONS": options}
    return json.dumps(values, sort_keys=True, default=str).encode()


def _static_names() -> bytes:
    """What `{% static %}` resolves to: with a manifest storage (production's, see
    shopsocial/storage.py), the manifest's map of names to hashed names, as the storage
    loaded it from STATIC_ROOT's staticfiles.json. A plain storage (development, tests)
    serves each file under its own name, which a changed file keeps: nothing to add."""
    import json

    from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage

    if not isinstance(staticfiles_storage, ManifestFilesMixin):
        return b""
    return json.dumps(sorted(staticfiles_storage.hashed_files.items())).encode()


@functools.cache
def templates_release() -> str:
    """The release of what kept fragments show, the last part of every fragment's key
    (`fragment_release` in the templates' context): a digest of the project's templates,
    of the static files' hashed names (the manifest) and of the settings the fragments
    render (FRAGMENT_SETTINGS, the media storage's URL). A release that changes any of
    them reads and writes new keys, so no page shows the old markup, an old script's
    name (gone from the new release: a 404) or an old phone number or media domain, and
    nobody has to clear the cache after a deploy. Computed once per process (templates,
    manifest and settings do not change under a running server); on the request path it
    is a dictionary lookup."""
    from django.conf import settings

    digest = hashlib.blake2b(digest_size=8)
    root = Path(settings.BASE_DIR) / "templates"
    for path in sorted(root.rglob("*.html")):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    # A separator before each part: no two parts' bytes run into each other.
    for part in (_static_names(), _fragment_settings()):
        digest.update(b"\0" + part)
    return digest.hexdigest()


# The page frame, kept whole (the links never change within a release; every `{% url %}`
# costs a reverse()): the footer (templates/base.html), the company site's header
# (company/base.html) and the back-office menu (backoffice/base.html).
FOOTER_FRAGMENT = "footer"  # by link_origin and home_url_name (which host's links)
COMPANY_HEADER_FRAGMENT = "company-header"  # by home_url_name
BACKOFFICE_MENU_FRAGMENT = "bo-nav"  # by the current URL name (aria-current)


# storefront/base.html's header around its two menus and the search box, by part: the
# phone menu's links and the brand, the cart link, the wide screens' links.
STOREFRONT_HEADER_FRAGMENT = "sf-header"


def storefront_header_keys(
    *, home_url_name: str, slug: str, site_name: str, signed_in: bool, cart_count: int
) -> tuple[str, ...]:
    """The header fragments of a storefront page (what the template's keys resolve to:
    `slug` is "" on the company site). Nothing deletes them: they show the host's name
    and links and the shopper's state, which are all in the key."""
    return (
        fragment_key(
            STOREFRONT_HEADER_FRAGMENT, "mobile", home_url_name, slug, site_name, signed_in
        ),
        fragment_key(STOREFRONT_HEADER_FRAGMENT, "cart", home_url_name, cart_count),
        fragment_key(STOREFRONT_HEADER_FRAGMENT, "desktop", home_url_name, slug, signed_in),
    )


def frame_fragment_keys(*, home_url_name: str, url_name: str | None) -> tuple[str, ...]:
    """The frame fragments a page on this host and URL renders (what the templates' keys
    resolve to; `link_origin` is empty except on the "no such shop" page)."""
    keys = [fragment_key(FOOTER_FRAGMENT, "", home_url_name)]
    if home_url_name == "company:home":
        keys.append(fragment_key(COMPANY_HEADER_FRAGMENT, home_url_name))
        if url_name and url_name.startswith("backoffice"):
            keys.append(fragment_key(BACKOFFICE_MENU_FRAGMENT, url_name))
    return tuple(keys)


def page_cache_keys(request) -> list[str]:
    """What a rendered page on this request reads from the shared cache: every page's
    entries and its frame's fragments, for one MGET before it renders (the first context
    processor, or a view with its own keys: storefront.caching, retailers/team/views.py)."""
    from shopsocial.urls_util import home_url_name

    match = getattr(request, "resolver_match", None)
    return [
        *every_request_cache_keys(),
        *frame_fragment_keys(
            home_url_name=home_url_name(request), url_name=match.url_name if match else None
        ),
    ]


def fragment_key(name: str, *vary_on: object) -> str:
    return make_template_fragment_key(name, (*vary_on, templates_release()))


def menu_fragment_keys(*extra_slugs: str) -> list[str]:
    """The menu as every page shows it: no current category, or one of them current."""
    category = apps.get_model("storefront", "Category")
    slugs = {"", *extra_slugs, *category._base_manager.values_list("slug", flat=True)}
    return [fragment_key(MENU_FRAGMENT, slug) for slug in sorted(slugs)]


def product_fragment_keys(product_pk: int | None) -> tuple[str, ...]:
    if product_pk is None:
        return ()
    return (
        fragment_key(PRODUCT_CARD_FRAGMENT, product_pk),
        fragment_key(PRODUCT_REVIEWS_FRAGMENT, product_pk),
        *(fragment_key(PRODUCT_PAGE_FRAGMENT, product_pk, part) for part in PRODUCT_PAGE_PARTS),
        fragment_key(PRODUCT_LD_FRAGMENT, product_pk),
        product_og_image_key(product_pk),
    )


@functools.cache
def rows_release() -> str:
    """A digest of Django's version and the catalog models' fields, part of the key of
    every kept model row (product rows, cart variants): after a deploy that adds a field
    or upgrades Django, rows pickled by the old code are not read back. Computed once
    per process."""
    import django

    digest = hashlib.blake2b(django.__version__.encode(), digest_size=4)
    for label in ("storefront.Product", "storefront.ProductVariant", "storefront.ProductImage"):
        model = apps.get_model(label)
        digest.update(label.encode())
        for column in model._meta.concrete_fields:
            digest.update(column.attname.encode())
    return digest.hexdigest()


def product_row_key(slug: str) -> str:
    """The product page's product row, by slug (storefront.selectors.product_page_get)."""
    return f"product-row:{rows_release()}:{slug}"


def _product_rows(*, product_id: int | None = None, category_id: int | None = None) -> list[str]:
    """The kept rows of a product, or of every product in a category or its children."""
    product = apps.get_model("storefront", "Product")
    if product_id is not None:
        rows = product._base_manager.filter(pk=product_id)
    else:
        rows = product._base_manager.filter(
            Q(category_id=category_id) | Q(category__parent_id=category_id)
        )
    return [product_row_key(slug) for slug in rows.values_list("slug", flat=True)]


def cart_variant_key(variant_pk: int) -> str:
    """A variant as carts show and price it: with its product and pictures, stock
    included (storefront.selectors.variants_for_cart)."""
    return f"cart-variant:{rows_release()}:{variant_pk}"


def _cart_variants(product_id: int) -> list[str]:
    """The kept cart rows of every variant of a product."""
    variant = apps.get_model("storefront", "ProductVariant")
    pks = variant._base_manager.filter(product_id=product_id).values_list("pk", flat=True)
    return [cart_variant_key(pk) for pk in pks]


def product_og_image_key(product_pk: int) -> str:
    """The path of the product's first picture (storefront/views.py, for og:image)."""
    return f"product-og-image:{product_pk}"


def every_request_cache_keys() -> tuple[str, ...]:
    """What (nearly) every rendered page reads from the shared cache: one MGET before the
    template renders (shopsocial.context_processors.shared_cache_prefetch, or the view's
    storefront.caching.fragments_prefetch)."""
    return (
        CATEGORY_TREE,
        POLICY_PUBLISHED,
        BREACH_OPEN,
        shipping_method_key(""),
        fragment_key(MENU_FRAGMENT, ""),
    )


def tokens(keys: list[str], *, timeout: float, request=None) -> list[str]:
    """A random token kept under each key until a write declared in `RULES` deletes it:
    a key made with the tokens changes with what they stand for (a fresh token each
    time while the cache is away, so nothing is reused then). With the `request` of a
    page about to render, its page keys are read in the same round trip."""
    cache = caches[CACHE_ALIAS]
    if request is not None and hasattr(cache, "prefetch"):
        cache.prefetch([*keys, *page_cache_keys(request)])
    values = []
    for key in keys:
        value = cache.get(key)  # the request's prefetch has read it, when there is one
        if value is None:
            value = secrets.token_hex(8)
            if not cache.add(key, value, timeout):
                value = cache.get(key) or value
        values.append(value)
    return values


def cached_rows[K, T](
    keys: dict[K, str], build: Callable[[list[K]], dict[K, T]], *, timeout: float
) -> dict[K, T]:
    """Many `cached()` entries in one round trip: `keys` names each wanted item's key,
    `build(missing)` reads those not kept (from the primary) and they are kept under
    their keys; items `build` does not return are not kept."""
    from shopsocial.db_router import primary_reads

    cache = caches[CACHE_ALIAS]
    found = cache.get_many(list(keys.values()))
    items = {item: found[key] for item, key in keys.items() if key in found}
    missing = [item for item in keys if item not in items]
    if missing:
        with primary_reads():
            built = build(missing)
        cache.set_many({keys[item]: value for item, value in built.items()}, timeout)
        items.update(built)
    return items


def cached[T](key: str, build: Callable[[], T], *, timeout: float, keep_none: bool = True) -> T:
    """`build()`, kept under `key` in the shared cache until a write declared in `RULES`
    deletes it (or `timeout` seconds pass); a None is kept too unless `keep_none` is
    False. It reads the primary: a replica that lags could otherwise put back what the
    write's deletion removed."""
    from shopsocial.db_router import primary_reads

    cache = caches[CACHE_ALIAS]
    boxed = cache.get(key)  # boxed: a value of None is kept too
    if boxed is None:
        with primary_reads():  # kept for long: never what a lagging replica shows
            boxed = (build(),)
        if keep_none or boxed[0] is not None:
            cache.set(key, boxed, timeout)
    return boxed[0]


@dataclass(frozen=True)
class Rule:
    keys: Callable[[Model], Iterable[str]] = lambda row: ()
    cache: Callable[[Model], Iterable[str]] = lambda row: ()
    fields: tuple[str, ...] = ("pk",)  # what `keys` and `shown` read (queryset writes)
    quiet: frozenset[str] = field(default_factory=frozenset)
    shown: Callable[[Model], Hashable] | None = None
    # Origin cache entries that show the quiet fields too (a cart's stock): deleted by
    # every write, a stock-only update included.
    always: Callable[[Model], Iterable[str]] = lambda row: ()
    # Delete and purge once more INVALIDATION_REPEAT_SECONDS after commit (`invalidate`).
    repeat: bool = True


def _this_storefront(row: Model) -> tuple[str, ...]:
    """A tenant table's row: the storefront whose schema is active (tenant_context)."""
    tenant = getattr(connection, "tenant", None)
    return (storefront_key(getattr(tenant, "slug", None) or connection.schema_name),)


def _domain_keys(row: Model) -> tuple[str, ...]:
    retailer = apps.get_model("retailers", "Retailer")
    slugs = retailer.objects.filter(pk=row.tenant_id).values_list("slug", flat=True)
    return (*(storefront_key(slug) for slug in slugs), "retailers")


def _retailer_hosts(row: Model) -> tuple[str, ...]:
    domain = apps.get_model("retailers", "Domain")
    hosts = domain.objects.filter(tenant_id=row.pk).values_list("domain", flat=True)
    return tuple(host_key(host) for host in hosts)


_CATALOG = (CATEGORY_TREE, CATALOG_WORDS, BESTSELLER_IDS)


def _labels(path: str | None) -> set[int]:
    """The member ids in a genealogy path (`12.40.907`: the top of the tree down to the
    member); a path not yet set by the database ("0") names no one."""
    return {int(label) for label in (path or "").split(".") if label and label != "0"}


def _team_keys(ids: Iterable[int]) -> tuple[str, ...]:
    return tuple(team_member_key(pk) for pk in sorted(set(ids)))


def _upline_ids(retailer_id: int) -> set[int]:
    """The retailer and every member above them (their stored path, one query)."""
    member = apps.get_model("team", "TeamMember")
    paths = member._base_manager.filter(pk=retailer_id).values_list("path", flat=True)
    return {retailer_id, *(pk for path in paths for pk in _labels(path))}


def _team_member(row: Model) -> tuple[str, ...]:
    """A place in the genealogy (enrolled, moved): the member and everyone above them,
    before (the stored path) and after (the new sponsor's upline)."""
    ids = {row.pk, *_labels(row.path)}
    if row.sponsor_id is not None:
        ids |= _upline_ids(row.sponsor_id)
    return _team_keys(ids)


def _team_upline(retailer_id: int) -> tuple[str, ...]:
    """A retailer's row as their upline's pages show it (name, volume, rank)."""
    return _team_keys(_upline_ids(retailer_id))


def _team_retailer(row: Model) -> tuple[str, ...]:
    """A retailer's name, number and storefront: on their upline's pages, and as the
    sponsor's contact on the pages of the members they sponsored."""
    member = apps.get_model("team", "TeamMember")
    ids = {row.pk}
    rows = member._base_manager.filter(Q(pk=row.pk) | Q(sponsor_id=row.pk))
    for pk, path in rows.values_list("pk", "path"):
        ids |= _labels(path) if pk == row.pk else {pk}
    return _team_keys(ids)


def _variant_shown(row: Model) -> Hashable:
    # product.html: "In stock: only N left" below 10, "Out of stock" at 0.
    return (row.stock > 0, row.stock if row.stock < 10 else None)


RULES: dict[str, Rule] = {
    "storefront.Category": Rule(
        keys=lambda c: ("menu", f"category-{c.pk}", "search"),
        cache=lambda c: (*_CATALOG, *menu_fragment_keys(c.slug), *_product_rows(category_id=c.pk)),
        fields=("pk", "slug"),
    ),
    "storefront.Product": Rule(
        # "bestsellers": the home pages, whose grid is the featured products that are active
        # or the bestsellers padded with the newest active products.
        keys=lambda p: (f"product-{p.pk}", f"category-{p.category_id}", "search", "bestsellers"),
        cache=lambda p: (
            *_CATALOG,
            *product_fragment_keys(p.pk),
            product_row_key(p.slug),
            *_cart_variants(p.pk),  # name, on sale, tax category
        ),
        fields=("pk", "category_id", "stock", "slug"),
        quiet=frozenset({"stock"}),
        shown=lambda p: p.stock > 0,  # listings: "Out of stock"
    ),
    "storefront.ProductVariant": Rule(
        keys=lambda v: (f"product-{v.product_id}",),
        cache=lambda v: (
            *product_fragment_keys(v.product_id),
            *_product_rows(product_id=v.product_id),  # its price_to
            # Deleting a variant unlinks its pictures (SET_NULL, no signal): the other
            # variants' kept pictures change.
            *_cart_variants(v.product_id),
        ),
        fields=("pk", "product_id", "stock"),
        quiet=frozenset({"stock"}),
        shown=_variant_shown,
        always=lambda v: (cart_variant_key(v.pk),),
    ),
    "storefront.ProductImage": Rule(
        keys=lambda i: (f"product-{i.product_id}",),
        cache=lambda i: (*product_fragment_keys(i.product_id), *_cart_variants(i.product_id)),
        fields=("pk", "product_id"),
    ),
    "storefront_content.StorefrontProfile": Rule(keys=_this_storefront),
    "storefront_content.FeaturedProduct": Rule(keys=_this_storefront),
    "storefront_pages.ShopPage": Rule(keys=lambda p: (f"shoppage-{p.pk}",)),
    "retailers.Retailer": Rule(
        keys=lambda r: (storefront_key(r.slug), "retailers"),
        cache=lambda r: (*_retailer_hosts(r), *_team_retailer(r)),
        fields=("pk", "slug"),
    ),
    "retailers.Domain": Rule(
        keys=_domain_keys,
        cache=lambda d: (host_key(d.domain),),
        fields=("pk", "tenant_id", "domain"),
    ),
    "privacy.PolicyVersion": Rule(keys=lambda p: ("policy",), cache=lambda p: (POLICY_PUBLISHED,)),
    # Breach notices show on signed-in pages only (rendered at the origin, read fresh).
    "privacy.BreachIncident": Rule(cache=lambda i: (breach_list_key(i.pk), BREACH_OPEN)),
    "privacy.BreachNotification": Rule(cache=lambda n: (BREACH_OPEN,)),
    "orders.ShippingMethod": Rule(
        keys=lambda m: ("shipping",),
        cache=lambda m: (shipping_method_key(""), shipping_method_key(m.code)),
        fields=("pk", "code"),
    ),
    # The next hold expiry (orders/services/holds.py). Not repeated: orders come many a
    # second, and a stale expiry only delays a release to beat's next run (a minute).
    "orders.Order": Rule(cache=lambda o: (NEXT_HOLD_EXPIRY,), repeat=False),
    "scenes.Scene": Rule(keys=lambda s: (f"scene-{s.pk}",)),
    "scenes.ShareLink": Rule(keys=lambda s: (f"sharelink-{s.pk}",)),
    # "My team" (retailers/team/views.py): see TEAM_ALL above.
    "team.TeamMember": Rule(cache=_team_member, fields=("pk", "sponsor_id", "path")),
    "team.Standing": Rule(
        cache=lambda s: _team_upline(s.retailer_id), fields=("pk", "retailer_id")
    ),
    "team.TeamPlan": Rule(cache=lambda p: (TEAM_ALL,)),
    "team.Rank": Rule(cache=lambda r: (TEAM_ALL,)),
    "team.GenerationRate": Rule(cache=lambda g: (TEAM_ALL,)),
    "team.MonthClose": Rule(cache=lambda c: (TEAM_ALL,)),
    # A month's volume is the sum of its accruals (retailers/team/selectors.month_volumes);
    # settling and paying an entry (status, dates, payout line) changes no volume.
    "earnings.CommissionEntry": Rule(
        cache=lambda e: _team_upline(e.retailer_id) if e.kind == "accrual" else (),
        fields=("pk", "retailer_id", "kind"),
        quiet=frozenset({"status", "available_at", "payable_at", "payout_line", "payout_line_id"}),
        shown=lambda e: None,
    ),
    # reviews (issue 28): a moderation decision changes the product page and its reviews
    "reviews.Review": Rule(
        keys=lambda r: (f"product-{r.product_id}",),
        cache=lambda r: product_fragment_keys(r.product_id),
        fields=("pk", "product_id"),
    ),
}


def rule_for(model: type[Model]) -> Rule | None:
    return RULES.get(model._meta.label)


# --- Sending -----------------------------------------------------------------------
def _purge_now(keys: frozenset[str]) -> None:
    varnish.purge(keys)


def _cache_delete(keys: frozenset[str]) -> None:
    cache = caches[CACHE_ALIAS]
    cache.delete_many(list(keys))
    # Host entries are also kept in each process's memory (retailers.hostmap): tell
    # every process to empty its copy.
    if hasattr(cache, "announce") and any(key.startswith(HOST_KEY_PREFIX) for key in keys):
        cache.announce()


def cache_delete_now_and_on_commit(keys: Iterable[str]) -> None:
    """Delete origin cache entries at once (this transaction's later reads rebuild
    them) and again after commit (no reader keeps what it built before the commit)."""
    keys = frozenset(keys)
    if keys:
        _cache_delete(keys)
        transaction.on_commit(functools.partial(_cache_delete, keys))


def invalidate(rule: Rule, rows: Iterable[Model], *, pages: bool = True) -> None:
    """Delete the rows' origin cache entries now and after commit; purge their pages
    after commit (nothing is purged for a transaction that rolls back); and both once
    more a few seconds later.

    The repeat is for a reader that straddles the commit: it read the old row before the
    commit and stores what it built (a `cached()` entry, a fragment; Varnish a page it
    was still rendering) after the deletion and the purge. Without the repeat that old
    value would stay until its timeout (an hour for fragments)."""
    rows = list(rows)
    deleted = frozenset(key for row in rows for key in (*rule.cache(row), *rule.always(row)))
    cache_delete_now_and_on_commit(deleted)
    keys = frozenset(key for row in rows for key in rule.keys(row)) if pages else frozenset()
    if keys:
        transaction.on_commit(functools.partial(_purge_now, keys))
    if rule.repeat and (deleted or keys):
        transaction.on_commit(functools.partial(_repeat_later, deleted, keys))


REPEAT_TASK = "storefront.invalidation_repeat_task"


def _repeat_later(deleted: frozenset[str], purged: frozenset[str]) -> None:
    from django.conf import settings

    from shopsocial.celery import task_queue_later

    try:
        task_queue_later(
            REPEAT_TASK,
            sorted(deleted),
            sorted(purged),
            seconds=settings.INVALIDATION_REPEAT_SECONDS,
        )
    except Exception:  # noqa: BLE001 - broker away: the first deletion and purge stand
        logger.warning("invalidation: the repeat was not queued (broker unavailable)")


def invalidation_repeat(deleted: Iterable[str], purged: Iterable[str]) -> None:
    """The repeat queued by `invalidate` (storefront.tasks)."""
    if deleted := frozenset(deleted):
        _cache_delete(deleted)
    if purged := frozenset(purged):
        _purge_now(purged)


# --- Receivers ---------------------------------------------------------------------
_BEFORE = "_invalidation_before"  # the row as stored, read by _before_save


def _before_save(sender: type[Model], instance: Model, **kwargs) -> None:
    """A row whose keys read more than its pk (a product's category, a domain's name):
    read what is stored before the save, so the old keys are purged with the new."""
    rule = rule_for(sender)
    if kwargs.get("raw") or rule is None or instance.pk is None or rule.fields == ("pk",):
        return
    names = [name for name in rule.fields if name != "pk"]
    old = sender._base_manager.using(kwargs.get("using")).filter(pk=instance.pk).only(*names)
    setattr(instance, _BEFORE, old.first())


def _saved_or_deleted(sender: type[Model], instance: Model, **kwargs) -> None:
    if kwargs.get("raw"):
        return  # loaddata
    rule = rule_for(sender)
    if rule is not None:
        before = instance.__dict__.pop(_BEFORE, None)
        invalidate(rule, [instance] if before is None else [before, instance])


def _m2m_changed(sender, instance: Model, action: str, **kwargs) -> None:
    if action.startswith("post_"):
        rule = rule_for(type(instance))
        if rule is not None:
            invalidate(rule, [instance])


def connect() -> None:
    """Connect the receivers for every mapped model (storefront's AppConfig.ready)."""
    for label in RULES:
        model = apps.get_model(label)
        pre_save.connect(_before_save, sender=model, dispatch_uid=f"invalidate-b-{label}")
        post_save.connect(_saved_or_deleted, sender=model, dispatch_uid=f"invalidate-s-{label}")
        post_delete.connect(_saved_or_deleted, sender=model, dispatch_uid=f"invalidate-d-{label}")
        manager = model._default_manager
        if not isinstance(manager.get_queryset(), InvalidatingQuerySet):
            raise TypeError(
                f"{label}'s manager must use shopsocial.invalidation.InvalidatingQuerySet"
            )
        for m2m in model._meta.many_to_many:
            m2m_changed.connect(
                _m2m_changed, sender=m2m.remote_field.through, dispatch_uid=f"invalidate-m-{label}"
            )


class InvalidatingQuerySet(QuerySet):
    """A mapped model's queryset: the writes that send no per-row signal invalidate too."""

    def _rows(self) -> list[Model]:
        rule = rule_for(self.model)
        if rule is None:
            return []
        names = [name for name in rule.fields if name != "pk"]
        return list(self.only(*names)) if names else list(self.only("pk"))

    def update(self, **kwargs):
        rule = rule_for(self.model)
        if rule is None:
            return super().update(**kwargs)
        with transaction.atomic(using=self.db):
            before = self._rows()
            count = super().update(**kwargs)
            after = {
                row.pk: row
                for row in self.model._base_manager.filter(pk__in=[row.pk for row in before]).only(
                    *[n for n in rule.fields if n != "pk"] or ["pk"]
                )
            }
            if rule.shown is not None and set(kwargs) <= rule.quiet:
                # After commit only: no Redis call while the order holds the row locks.
                keys = frozenset(key for row in before for key in rule.always(row))
                if keys:
                    transaction.on_commit(functools.partial(_cache_delete, keys))
                # Stock moved: only rows whose shown state changed purge their pages.
                rows = [
                    after[row.pk]
                    for row in before
                    if row.pk in after and rule.shown(row) != rule.shown(after[row.pk])
                ]
                invalidate(rule, rows)
            else:
                invalidate(rule, [*before, *after.values()])  # old and new keys alike
        return count

    update.alters_data = True

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        rule = rule_for(self.model)
        if rule is not None:
            invalidate(rule, created)
        return created

    bulk_create.alters_data = True

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        count = super().bulk_update(objs, fields, *args, **kwargs)
        rule = rule_for(self.model)
        if rule is not None:
            invalidate(rule, objs)
        return count

    bulk_update.alters_data = True
