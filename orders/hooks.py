"""Hooks: what other apps do when an order changes status, without orders importing them.

The order flow sits below earnings in the app order (pyproject.toml's import contracts),
yet an order paid must accrue a commission in the same transaction. So the earnings app
registers a hook here from its `AppConfig.ready()`, and `order_transition` runs every
registered hook inside its transaction, after the status is saved. A hook that raises
rolls the transition back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from .models import Order


class OrderTransitionHook(Protocol):
    def __call__(self, *, order: Order, from_status: str, to_status: str) -> None: ...


_transition_hooks: list[Callable[..., None]] = []


def order_transition_hook_register(hook: OrderTransitionHook) -> OrderTransitionHook:
    """Run `hook(order=..., from_status=..., to_status=...)` on every status change (once)."""
    if hook not in _transition_hooks:
        _transition_hooks.append(hook)
    return hook


def order_transition_hooks_run(*, order: Order, from_status: str, to_status: str) -> None:
    for hook in tuple(_transition_hooks):
        hook(order=order, from_status=from_status, to_status=to_status)
