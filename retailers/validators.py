"""Validation rules for retailer data: SSN, EIN, subdomain, US phone and ZIP, names.

Each rule lives here once; forms and services call them.
"""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError

# --- Tax ids ------------------------------------------------------------------

SSN_RE = re.compile(r"^(\d{3})-?(\d{2})-?(\d{4})$")
EIN_RE = re.compile(r"^(\d{2})-?(\d{7})$")
# Campus prefixes the IRS assigns (irs.gov "How EINs are assigned and valid EIN prefixes").
EIN_VALID_PREFIXES = frozenset(
    [f"{n:02d}" for n in range(1, 7)]
    + [f"{n:02d}" for n in range(10, 17)]
    + [f"{n:02d}" for n in range(20, 28)]
    + [f"{n:02d}" for n in range(30, 49)]
    + [f"{n:02d}" for n in range(50, 69)]
    + [f"{n:02d}" for n in range(71, 78)]
    + [f"{n:02d}" for n in range(80, 89)]
    + [f"{n:02d}" for n in range(90, 96)]
    + ["98", "99"]
)


def _strip_spaces(value: str) -> str:
    return re.sub(r"\s+", "", value or "")


def ssn_normalize(value: str) -> str:
    """Return the 9 digits of a valid SSN or raise ValidationError with a clear message."""
    match = SSN_RE.match(_strip_spaces(value))
    if not match:
        raise ValidationError(
            "Enter a Social Security number as 9 digits, like 123-45-6789.", code="ssn_format"
        )
    area, group, serial = match.groups()
    if area == "000" or area == "666" or area >= "900":
        raise ValidationError(
            "This is not a valid Social Security number: it cannot start with 000, 666 or 9.",
            code="ssn_area",
        )
    if group == "00":
        raise ValidationError(
            "This is not a valid Social Security number: the middle two digits cannot be 00.",
            code="ssn_group",
        )
    if serial == "0000":
        raise ValidationError(
            "This is not a valid Social Security number: the last four digits cannot be 0000.",
            code="ssn_serial",
        )
    return area + group + serial


def ein_normalize(value: str) -> str:
    """Return the 9 digits of a valid EIN or raise ValidationError with a clear message."""
    match = EIN_RE.match(_strip_spaces(value))
    if not match:
        raise ValidationError(
            "Enter an Employer Identification Number as 9 digits, like 12-3456789.",
            code="ein_format",
        )
    prefix, rest = match.groups()
    if prefix not in EIN_VALID_PREFIXES:
        raise ValidationError(
            f"This is not a valid EIN: no EIN starts with {prefix}.", code="ein_prefix"
        )
    return prefix + rest


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


# --- Contact data -------------------------------------------------------------

PHONE_DIGITS_RE = re.compile(r"^\+?1?(\d{10})$")
ZIP_RE = re.compile(r"^\d{5}(-\d{4})?$")
# Letters (any script), spaces and . , ' ’ - only: no markup, digits or symbols.
NAME_RE = re.compile(r"^[^\W\d_]+(?:[ .,'’-]+[^\W\d_]*)*$")
# Street addresses: letters, digits, spaces and # . , ' - / & only.
ADDRESS_RE = re.compile(r"^[\w .,'’#/&-]+$")
CITY_RE = re.compile(r"^[^\W\d_]+(?:[ .'’-]+[^\W\d_]+)*\.?$")


def phone_normalize(value: str) -> str:
    """A US phone number as +1XXXXXXXXXX."""
    digits = re.sub(r"[\s().-]", "", value or "")
    match = PHONE_DIGITS_RE.match(digits)
    if not match or match.group(1)[0] in "01" or match.group(1)[3] in "01":
        raise ValidationError(
            "Enter a US phone number with area code, like (512) 555-0142.", code="phone"
        )
    return "+1" + match.group(1)


def phone_display(value: str) -> str:
    if value.startswith("+1") and len(value) == 12:
        return f"({value[2:5]}) {value[5:8]}-{value[8:]}"
    return value


def zip_validate(value: str) -> None:
    if not ZIP_RE.match(value or ""):
        raise ValidationError("Enter a ZIP code like 78701 or 78701-1234.", code="zip")


def name_validate(value: str) -> None:
    if not NAME_RE.match(value or ""):
        raise ValidationError(
            "Use letters, spaces and the characters . , ' - only.", code="name_chars"
        )


def address_validate(value: str) -> None:
    if value and not ADDRESS_RE.match(value):
        raise ValidationError(
            "Use letters, digits, spaces and the characters # . , ' - / & only.",
            code="address_chars",
        )


def city_validate(value: str) -> None:
    if not CITY_RE.match(value or ""):
        raise ValidationError("Use letters, spaces and the characters . ' - only.", code="city")


def display_name_validate(value: str) -> None:
    if any(ch in value for ch in "<>{}") or any(unicodedata.category(ch)[0] == "C" for ch in value):
        raise ValidationError(
            "Your shop name cannot contain < > { } or control characters.", code="display_name"
        )


US_STATES = [
    ("AL", "Alabama"), ("AK", "Alaska"), ("AZ", "Arizona"), ("AR", "Arkansas"),
    ("CA", "California"), ("CO", "Colorado"), ("CT", "Connecticut"), ("DE", "Delaware"),
    ("DC", "District of Columbia"), ("FL", "Florida"), ("GA", "Georgia"), ("HI", "Hawaii"),
    ("ID", "Idaho"), ("IL", "Illinois"), ("IN", "Indiana"), ("IA", "Iowa"), ("KS", "Kansas"),
    ("KY", "Kentucky"), ("LA", "Louisiana"), ("ME", "Maine"), ("MD", "Maryland"),
    ("MA", "Massachusetts"), ("MI", "Michigan"), ("MN", "Minnesota"), ("MS", "Mississippi"),
    ("MO", "Missouri"), ("MT", "Montana"), ("NE", "Nebraska"), ("NV", "Nevada"),
    ("NH", "New Hampshire"), ("NJ", "New Jersey"), ("NM", "New Mexico"), ("NY", "New York"),
    ("NC", "North Carolina"), ("ND", "North Dakota"), ("OH", "Ohio"), ("OK", "Oklahoma"),
    ("OR", "Oregon"), ("PA", "Pennsylvania"), ("RI", "Rhode Island"), ("SC", "South Carolina"),
    ("SD", "South Dakota"), ("TN", "Tennessee"), ("TX", "Texas"), ("UT", "Utah"),
    ("VT", "Vermont"), ("VA", "Virginia"), ("WA", "Washington"), ("WV", "West Virginia"),
    ("WI", "Wisconsin"), ("WY", "Wyoming"), ("PR", "Puerto Rico"), ("GU", "Guam"),
    ("VI", "U.S. Virgin Islands"), ("AS", "American Samoa"), ("MP", "Northern Mariana Islands"),
]  # fmt: skip

# --- Retailer ID --------------------------------------------------------------


def luhn_check_digit(number: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def retailer_number_format(n: int) -> str:
    body = str(n)
    return body + luhn_check_digit(body)


def retailer_number_is_valid(value: str) -> bool:
    return (
        value.isascii()
        and value.isdigit()
        and len(value) >= 2
        and luhn_check_digit(value[:-1]) == value[-1]
    )


def retailer_number_normalize(value: str) -> str:
    return re.sub(r"[\s-]", "", value or "")
