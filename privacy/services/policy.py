"""Policy versions: published by staff in the admin, then never edited."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from privacy.models import PolicyVersion
from shopsocial.versions import version_bump


@transaction.atomic
def policy_version_publish(*, version: PolicyVersion) -> PolicyVersion:
    version = PolicyVersion.objects.select_for_update().get(pk=version.pk)
    if version.published:
        raise ValidationError("This version is already published.")
    version.full_clean()
    version.published = True
    version.published_at = timezone.now()
    version.save(update_fields=["published", "published_at"])
    # Cached notices and pages refresh at once, and again after commit in case
    # another process re-cached meanwhile.
    version_bump("policy")
    transaction.on_commit(lambda: version_bump("policy"))
    return version
