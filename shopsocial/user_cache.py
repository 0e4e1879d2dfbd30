"""The signed-in user's row, kept in process memory for page views (issue 19).

`django.contrib.auth.get_user` reads the user row on every request of a signed-in
person: one PostgreSQL round trip per page. This keeps the row in a small LRU per
process, valid while the shared "users" version (shopsocial/versions.py) is unchanged,
and uses it only when it is safe to:

- only for GET and HEAD requests; a POST (checkout, account changes, sign-out)
  always loads the row through Django's own `get_user`;
- only when the session's auth hash verifies against the remembered row exactly as
  Django verifies it (`constant_time_compare` with `get_session_auth_hash()`); any
  other case (first visit, no hash, a hash made with a fallback secret, a mismatch)
  goes to Django's `get_user`, which loads the row and cycles or flushes the session;
- every save or delete of a user bumps "users" (receivers connected in
  `storefront.apps`, so in web processes, workers and shells alike): a password
  change, a deactivation or an email change shows at the next request in every process,
  so a password change still signs out every other session at once;
- writes that bypass `save()` (a queryset `update()`) must call `users_changed()`;
  an entry lives at most `TTL` seconds in any case.

Each request gets its own instance built from the row's field values, so nothing one
request sets on its user (permission caches, `otp_device`, `backend`) reaches another.
"""

from __future__ import annotations

from typing import Any

from django.contrib import auth
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import AnonymousUser
from django.db.models.base import ModelState
from django.http import HttpRequest
from django.utils.crypto import constant_time_compare

from shopsocial.versions import ProcessLRU, version_bump_now_and_on_commit, versions

TTL = 30.0
_users = ProcessLRU(max_entries=4096)
_SAFE_METHODS = ("GET", "HEAD")


# Saves that change nothing a page view relies on: Django's own `update_last_login`
# saves every sign-in this way, and must not make every process forget every row.
_HARMLESS_SAVES = frozenset({"last_login"})


def users_changed(**kwargs: Any) -> None:
    """Forget every remembered user row in every process (now, and again after commit)."""
    update_fields = kwargs.get("update_fields")
    if update_fields and frozenset(update_fields) <= _HARMLESS_SAVES:
        return
    version_bump_now_and_on_commit("users")


def user_get(request: HttpRequest):
    """`django.contrib.auth.get_user(request)`, served from memory when that is safe."""
    session = request.session
    try:
        raw_id = session[SESSION_KEY]
        backend_path = session[BACKEND_SESSION_KEY]
    except KeyError:
        return auth.get_user(request)  # nobody is signed in: no query either way
    session_hash = session.get(HASH_SESSION_KEY)
    key = (backend_path, str(raw_id), versions()["users"])
    if request.method in _SAFE_METHODS and session_hash:
        fields = _users.get(key)
        if fields is not None:
            user = _instance(auth.get_user_model(), fields)
            if constant_time_compare(session_hash, user.get_session_auth_hash()):
                return user
    user = auth.get_user(request)  # Django's own checks, on a freshly read row
    if (
        user.is_authenticated
        and not isinstance(user, AnonymousUser)
        and session.get(HASH_SESSION_KEY) == session_hash  # not cycled by a fallback secret
    ):
        _users.set(key, _fields(user), TTL)  # under the version read before the query
    else:
        _users.delete(key)  # what this process remembered no longer signs anyone in
    return user


def _fields(user) -> dict[str, Any]:
    return {f.attname: getattr(user, f.attname) for f in user._meta.concrete_fields}


def _instance(model, fields: dict[str, Any]):
    user = model.__new__(model)
    user.__dict__.update(fields)
    state = ModelState()
    state.adding = False
    state.db = "default"
    user._state = state
    return user


def user_cache_clear() -> None:
    """Forget every remembered row of this process (tests)."""
    _users.clear()
