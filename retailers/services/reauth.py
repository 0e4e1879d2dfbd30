"""Re-authentication gates: the password typed again before a sensitive step.

Revealing the SSN/EIN, changing the password and turning two-step sign-in off each
ask for the account's password. A wrong one counts toward the same django-axes
lockout as a back-office sign-in (same username + client address), so a stolen
session cannot be used to guess the password; every failure and every refusal while
locked out is a `RetailerAuditEvent` (the gate's name, never what was typed).
"""

from __future__ import annotations

from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest

from ..models import Retailer, RetailerAuditEvent
from .account import audit_record

LOCKED_OUT_MESSAGE = "Too many wrong passwords. Please wait a while and try again."


class ReauthGate(models.TextChoices):
    TAX_ID_REVEAL = "tax_id_reveal", "SSN/EIN reveal"
    PASSWORD_CHANGE = "password_change", "Password change"
    TWO_FACTOR_DISABLE = "2fa_disable", "Two-step sign-in off"
    PAYOUT_ACCOUNT_CHANGE = "payout_account", "Payout account change"  # earnings (issue 26)


class ReauthLockedOut(PermissionDenied):
    """Too many wrong passwords from this client for this account: nothing is checked."""


def reauth_gate_check(
    *, request: HttpRequest, retailer: Retailer, user: AbstractBaseUser, gate: ReauthGate
) -> None:
    """Raise ReauthLockedOut (audited) when axes has locked this username + address."""
    if not AxesProxyHandler.is_allowed(request, {"username": user.get_username()}):
        audit_record(
            retailer=retailer,
            actor=user,
            action=RetailerAuditEvent.Action.REAUTH_LOCKED_OUT,
            detail=gate,
        )
        raise ReauthLockedOut(LOCKED_OUT_MESSAGE)


def reauth_failure_record(
    *, request: HttpRequest, retailer: Retailer, user: AbstractBaseUser, gate: ReauthGate
) -> None:
    """A wrong password at a gate: audited, and counted by axes like a failed sign-in."""
    audit_record(
        retailer=retailer, actor=user, action=RetailerAuditEvent.Action.REAUTH_FAILED, detail=gate
    )
    user_login_failed.send(
        sender=__name__, credentials={"username": user.get_username()}, request=request
    )


def staff_password_reconfirm(*, request: HttpRequest, password: str) -> None:
    """A staff member types their password again before a bulk reveal (1099 tax IDs).

    Raises ReauthLockedOut while axes has locked them out (nothing is checked), and
    PermissionDenied for a wrong password, which counts toward that lockout and is in
    axes' sign-in log (there is no single retailer to file a RetailerAuditEvent under).
    """
    user = request.user
    credentials = {"username": user.get_username()}
    if not AxesProxyHandler.is_allowed(request, credentials):
        raise ReauthLockedOut(LOCKED_OUT_MESSAGE)
    if not password or not user.check_password(password):
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        raise PermissionDenied("The password is not correct.")
