"""Secret links in email, made when the message is rendered and never stored.

A reset or verification link is a key to an account; an outbox row that held one
would let anyone who can read the outbox (staff, backups) use it. So the row's
context names a registered builder and its arguments (ids only):

    {"links": {"builder": "accounts.password_reset", "args": {"user_id": 7, ...}}}

and `email_render` asks the builder for the URLs just before sending.
"""

from __future__ import annotations

from collections.abc import Callable

_BUILDERS: dict[str, Callable[..., dict[str, str]]] = {}


def email_link_builder(name: str) -> Callable:
    """Register `fn(**args) -> {context_name: url}` under `name`."""

    def register(fn: Callable[..., dict[str, str]]) -> Callable[..., dict[str, str]]:
        _BUILDERS[name] = fn
        return fn

    return register


def email_links_spec(builder: str, **args) -> dict:
    """What goes into an email row's context under "links"."""
    if builder not in _BUILDERS:
        raise KeyError(f"no email link builder {builder!r}")
    return {"builder": builder, "args": args}


def email_links_resolve(spec: dict | None) -> dict[str, str]:
    if not spec:
        return {}
    return _BUILDERS[spec["builder"]](**spec.get("args", {}))
