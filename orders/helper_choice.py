"""Company site: "who helped you?" at checkout, the retailer finder inline (issue 16).

The rules of the choice live here; the checkout view only reads the form and passes
the result to `checkout_begin(helped_by=...)`, whose placement checks again that the
retailer can be credited.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings

from retailers.finder import Found, retailer_active_by_number, retailer_find
from retailers.models import Retailer
from shopsocial.search_text import SEARCH_MAX_LENGTH, search_text_clean

HELPER_OPTIONS_MAX = 10


@dataclass
class HelperChoice:
    """Company site: "who helped you?" at checkout (the retailer finder, inline).

    `options` are finder results (`retailers.finder.Found`); `chosen` is the Retailer ID
    ticked ("" = no one: the company keeps the sale); `protected` is the shopper's own
    retailer (customer protection), preselected.
    """

    options: list = field(default_factory=list)
    chosen: str = ""
    search: str = ""
    searched: bool = False
    found_count: int = 0
    protected: Retailer | None = None
    error: str = ""

    @property
    def protection_decides(self) -> bool:
        """Under "first retailer keeps the customer" the protected retailer is credited
        whoever is named: the shopper is told so."""
        return self.protected is not None and (
            settings.CUSTOMER_PROTECTION_POLICY == "first_retailer"
        )

    @property
    def retailer(self) -> Retailer | None:
        return next(
            (f.retailer for f in self.options if f.retailer.retailer_number == self.chosen), None
        )


def helper_choice_resolve(
    *,
    protected: Retailer | None,
    posted: bool,
    chosen: str = "",
    search: str = "",
    placing: bool = False,
) -> HelperChoice:
    """The choice as the shopper left it: what they ticked, what they searched for, and
    anything to tell them (a retailer who cannot be credited, a search with nothing
    chosen before paying). `protected`: the retailer protecting this customer (earnings'
    `protecting_retailer_for_user`), preselected. `placing`: this POST would place the order."""
    choice = HelperChoice(protected=protected)
    if protected is not None:
        choice.options.append(Found(protected))
        choice.chosen = protected.retailer_number
    if not posted:
        return choice
    choice.chosen = chosen[:20].strip()
    choice.search = search_text_clean(search)[:SEARCH_MAX_LENGTH]
    if choice.chosen and choice.retailer is None:
        named = retailer_active_by_number(choice.chosen)
        if named is None:
            choice.error = "That retailer cannot be credited any more. Choose another, or no one."
            choice.chosen = ""
        else:
            choice.options.append(Found(named))
    if choice.search:
        choice.searched = True
        known = {f.retailer.pk for f in choice.options}
        result = retailer_find(text=choice.search).found
        choice.found_count = len(result)
        new = [f for f in result if f.retailer.pk not in known]
        choice.options.extend(new[:HELPER_OPTIONS_MAX])
        if not choice.chosen and len(result) == 1:
            choice.chosen = result[0].retailer.retailer_number
        elif not choice.chosen and placing:
            choice.error = (
                "Choose the retailer who helped you from the list, or No one "
                "(or clear the search box)."
            )
    return choice
