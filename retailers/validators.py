"""Validation rules for retailer data: SSN, EIN, subdomain, names, Retailer ID.

Each rule lives here once; forms and services call them.
"""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError
from stdnum import exceptions as stdnum_errors
from stdnum import luhn
from stdnum.us import ein, ssn


def _strip_spaces(value: str) -> str:
    return re.sub(r"\s+", "", value or "")


# --- Tax ids (python-stdnum: the SSA's invalid ranges and publicised numbers, IRS prefixes) -


def ssn_normalize(value: str) -> str:
    """Return the 9 digits of a valid SSN or raise ValidationError with a clear message."""
    try:
        return ssn.validate(_strip_spaces(value))
    except stdnum_errors.InvalidComponent:
        raise ValidationError(
            "This is not a valid Social Security number: no SSN was ever issued with these "
            "digits. Please check it.",
            code="ssn_invalid",
        ) from None
    except stdnum_errors.ValidationError:
        raise ValidationError(
            "Enter a Social Security number as 9 digits, like 123-45-6789.", code="ssn_format"
        ) from None


def ein_normalize(value: str) -> str:
    """Return the 9 digits of a valid EIN or raise ValidationError with a clear message."""
    value = _strip_spaces(value)
    try:
        return ein.validate(value)
    except stdnum_errors.InvalidComponent:
        raise ValidationError(
            f"This is not a valid EIN: no EIN starts with {value[:2]}.", code="ein_prefix"
        ) from None
    except stdnum_errors.ValidationError:
        raise ValidationError(
            "Enter an Employer Identification Number as 9 digits, like 12-3456789.",
            code="ein_format",
        ) from None


def tax_id_mask(kind: str, last4: str) -> str:
    if not last4:
        return ""
    return f"**-***{last4}" if kind == "ein" else f"***-**-{last4}"


def tax_id_format(kind: str, digits: str) -> str:
    return (
        f"{digits[:2]}-{digits[2:]}"
        if kind == "ein"
        else f"{digits[:3]}-{digits[3:5]}-{digits[5:]}"
    )


# --- Subdomain ----------------------------------------------------------------

SUBDOMAIN_MIN, SUBDOMAIN_MAX = 3, 30
SUBDOMAIN_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")
RESERVED_SUBDOMAINS = frozenset(
    """
    www www1 www2 admin administrator api app apps assets auth backoffice back-office billing
    blog cdn checkout company dashboard dev docs email ftp help helpdesk host hostmaster images
    img imap info invest investors join legal localhost login logout m mail mailer media mobile
    mx news newsletter ns ns1 ns2 office orders pay payment payments pop pop3 portal postmaster
    privacy register registration retailer retailers root secure security shop shopsocial
    signin signup smtp staff staging static status store support terms test unsubscribe
    webhooks webmail webmaster
    """.split()  # noqa: SIM905 (a word list reads better than 90 quoted strings)
)


def subdomain_normalize(value: str) -> str:
    """Lower-case an ASCII label and check the DNS and house rules; never transliterate."""
    value = (value or "").strip()
    if not value:
        raise ValidationError("Choose a web address for your storefront.", code="required")
    if not value.isascii() or unicodedata.normalize("NFKC", value) != value:
        raise ValidationError(
            "Use only the letters a–z, digits and hyphens (no accented or look-alike characters).",
            code="subdomain_unicode",
        )
    value = value.lower()
    if not SUBDOMAIN_MIN <= len(value) <= SUBDOMAIN_MAX:
        raise ValidationError(
            f"Your web address must be {SUBDOMAIN_MIN} to {SUBDOMAIN_MAX} characters long.",
            code="subdomain_length",
        )
    if not SUBDOMAIN_RE.match(value):
        raise ValidationError(
            "Use only the letters a–z, digits and hyphens, starting and ending with a letter or digit.",
            code="subdomain_chars",
        )
    if "--" in value:
        raise ValidationError(
            "Your web address cannot contain two hyphens in a row.", code="subdomain_hyphens"
        )
    if value in RESERVED_SUBDOMAINS:
        raise ValidationError(
            f"“{value}” is reserved. Please choose another web address.", code="subdomain_reserved"
        )
    return value


# --- Names ---------------------------------------------------------------------
# (Address, ZIP, state and phone rules: shopsocial/contact.py.)

# Letters (any script), spaces and . , ' ’ - only: no markup, digits or symbols.
NAME_RE = re.compile(r"^[^\W\d_]+(?:[ .,'’-]+[^\W\d_]*)*$")


def name_validate(value: str) -> None:
    if not NAME_RE.match(value or ""):
        raise ValidationError(
            "Use letters, spaces and the characters . , ' - only.", code="name_chars"
        )


def display_name_validate(value: str) -> None:
    if any(ch in value for ch in "<>{}") or any(unicodedata.category(ch)[0] == "C" for ch in value):
        raise ValidationError(
            "Your shop name cannot contain < > { } or control characters.", code="display_name"
        )


# --- Retailer ID --------------------------------------------------------------


def retailer_number_format(n: int) -> str:
    """The Retailer ID for sequence value n: its digits and a Luhn check digit."""
    body = str(n)
    return body + luhn.calc_check_digit(body)


def retailer_number_is_valid(value: str) -> bool:
    return value.isascii() and value.isdigit() and len(value) >= 2 and luhn.is_valid(value)


def retailer_number_normalize(value: str) -> str:
    return re.sub(r"[\s-]", "", value or "")
