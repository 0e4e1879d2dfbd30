"""Back-office sign-in: Retailer ID + username + password, with django-axes lockout.

Called with `retailer_number=` and `retailer_username=` so that ModelBackend (which
only looks at `username=`) never answers for it, and it never answers for others.
"""

from __future__ import annotations

from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from .models import Retailer
from .validators import retailer_number_normalize

User = get_user_model()


class RetailerBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        retailer_number: str | None = None,
        retailer_username: str | None = None,
        password: str | None = None,
        **kwargs,
    ):
        if retailer_number is None or retailer_username is None or password is None:
            return None
        if request is None:
            return None
        if not AxesProxyHandler.is_allowed(request, {"username": retailer_username}):
            request.axes_locked_out = True
            raise PermissionDenied("locked out")
        number = retailer_number_normalize(retailer_number)
        retailer = (
            Retailer.objects.select_related("user")
            .filter(kind=Retailer.Kind.RETAILER, retailer_number=number)
            .first()
        )
        if retailer is None or retailer.user is None:
            User().set_password(password)  # same work as a real check: no timing oracle
            return None
        user = retailer.user
        if user.get_username() != retailer_username:
            User().set_password(password)
            return None
        if not user.check_password(password) or not self.user_can_authenticate(user):
            return None
        if not retailer.is_active:
            request.retailer_suspended = True
            raise PermissionDenied("suspended")
        return user

    def get_user(self, user_id):
        """The signed-in user on each request, with their retailer row in the same query:
        every back-office page reads it (retailers.selectors.retailer_for_user), fresh per
        request, so a suspension still takes effect on the next one."""
        try:
            user = User._default_manager.select_related("retailer").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


# axes stores the username in a 255-character column (AccessAttempt, AccessLog,
# AccessFailureLog); a longer one typed at any sign-in must not become a 500.
AXES_USERNAME_MAX_LENGTH = 255


def axes_username(request: HttpRequest, credentials: dict | None) -> str | None:
    """The username axes locks on (settings.AXES_USERNAME_CALLABLE), for every login path."""
    credentials = credentials or {}
    for key in ("retailer_username", "username"):
        if credentials.get(key):
            return str(credentials[key])[:AXES_USERNAME_MAX_LENGTH]
    data = getattr(request, "POST", None) or {}
    username = data.get("username") or None
    return username[:AXES_USERNAME_MAX_LENGTH] if username else None
