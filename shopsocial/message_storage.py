"""Flash messages kept as Django's default does (a signed cookie, then the session), with
the two backends made only when a request first reads or adds a message.

Django's `FallbackStorage` makes both backends for every request (10–13 µs,
bench/README.md); most requests (redirect targets aside) never touch a message, and
those that render no template never look.
Set as `MESSAGE_STORAGE`, Django's setting for a storage class.
"""

from __future__ import annotations

from functools import cached_property

from django.contrib.messages.storage.base import BaseStorage
from django.contrib.messages.storage.fallback import FallbackStorage


class LazyFallbackStorage(FallbackStorage):
    def __init__(self, request, *args, **kwargs) -> None:
        BaseStorage.__init__(self, request, *args, **kwargs)
        self._backend_args = ((request, *args), kwargs)
        self._used_storages = set()

    @cached_property
    def storages(self) -> list[BaseStorage]:
        args, kwargs = self._backend_args
        return [storage_class(*args, **kwargs) for storage_class in self.storage_classes]
