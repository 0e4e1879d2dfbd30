"""Policy versions: published by staff in the admin, then never edited."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from privacy.models import PolicyVersion


@transaction.atomic
def policy_version_publish(*, version: PolicyVersion) -> PolicyVersion:
    version = PolicyVersion.objects.select_for_update().get(pk=version.pk)
    if version.published:
        raise ValidationError("This version is already published.")
    version.full_clean()
    version.published = True
    version.published_at = timezone.now()
    # Saving bumps the "policy" version: cached notices and pages refresh at once.
    version.save(update_fields=["published", "published_at"])
    return version
