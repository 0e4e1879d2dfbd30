"""Hooks: what retailers' sub-apps do when a retailer registers, without retailers
importing them (retailers sits below its sub-apps in the app order, pyproject.toml).

`retailers.team` registers its enrolment here from its `AppConfig.ready()`; registration
runs every hook inside its transaction, so a hook that raises rolls the sign-up back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from .models import Retailer


class RetailerRegisteredHook(Protocol):
    def __call__(self, *, retailer: Retailer, sponsor: Retailer | None) -> object: ...


_registered_hooks: list[Callable[..., object]] = []


def retailer_registered_hook_register(hook: RetailerRegisteredHook) -> RetailerRegisteredHook:
    """Run `hook(retailer=..., sponsor=...)` for every new retailer (registered once)."""
    if hook not in _registered_hooks:
        _registered_hooks.append(hook)
    return hook


def retailer_registered_hooks_run(*, retailer: Retailer, sponsor: Retailer | None) -> None:
    for hook in tuple(_registered_hooks):
        hook(retailer=retailer, sponsor=sponsor)
