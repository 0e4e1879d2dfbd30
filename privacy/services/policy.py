"""Policy versions: published by staff in the admin, then never edited."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from privacy.models import PolicyVersion
from privacy.selectors import policy_cache_clear


@transaction.atomic
def policy_version_publish(*, version: PolicyVersion) -> PolicyVersion:
    version = PolicyVersion.objects.select_for_update().get(pk=version.pk)
    if version.published:
        raise ValidationError("This version is already published.")
    version.full_clean()
    version.published = True
    version.published_at = timezone.now()
    version.save(update_fields=["published", "published_at"])
    policy_cache_clear()
    transaction.on_commit(policy_cache_clear)  # again, in case a reader re-cached meanwhile
    return version
