"""File storages: public media (catalog and storefront images), private files, and the
static files' storage (`StaticFilesStorage`, at the end).

Two STORAGES aliases (settings `--- Static and media ---`):

- "default": public images. Local folder `MEDIA_ROOT` served at `/media/` in development
  and tests; an S3-compatible bucket (django-storages) in production, its URLs straight
  from the bucket or its CDN.
- "private": everything else staff upload (breach address lists, exports, ...). Local
  folder `PRIVATE_MEDIA_ROOT`, outside `MEDIA_ROOT`, or a separate private bucket. It has
  no public URL at all: `url()` names the permission-checked, logged download view
  (`shopsocial/private_files.py`), whichever backend holds the bytes.

Adapters only: nothing here knows which domain model uses which store.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core import checks
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.core.signals import setting_changed
from django.utils.encoding import filepath_to_uri
from django.utils.functional import LazyObject, cached_property, empty
from storages.backends.s3 import S3Storage
from whitenoise.storage import CompressedManifestStaticFilesStorage

PRIVATE_FILES_URL = "/admin/private-files/"


def private_file_url(name: str) -> str:
    return PRIVATE_FILES_URL + filepath_to_uri(name)


class PrivateFileSystemStorage(FileSystemStorage):
    """A folder outside MEDIA_ROOT (`PRIVATE_MEDIA_ROOT`); URLs go to the download view."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        setting_changed.connect(self._private_root_changed)

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    def _private_root_changed(self, *, setting, **kwargs) -> None:
        if setting == "PRIVATE_MEDIA_ROOT":
            for name in ("base_location", "location"):
                self.__dict__.pop(name, None)

    def url(self, name: str | None) -> str:
        return private_file_url(name or "")


class PrivateS3Storage(S3Storage):
    """A private bucket (no public ACL, no presigned links handed out); URLs go to the view."""

    def url(self, name: str | None, *args, **kwargs) -> str:
        return private_file_url(name or "")


class _PrivateStorage(LazyObject):
    def _setup(self) -> None:
        self._wrapped = storages["private"]


private_storage = _PrivateStorage()


def private_storage_get() -> Storage:
    """For `FileField(storage=private_storage_get)`: migrations record this callable."""
    return private_storage


def _storages_changed(*, setting, **kwargs) -> None:
    if setting in ("STORAGES", "PRIVATE_MEDIA_ROOT"):
        private_storage._wrapped = empty


setting_changed.connect(_storages_changed)


@checks.register(checks.Tags.security, "startup")  # also a start-up guard (shopsocial/guards.py)
def private_storage_is_not_public(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """The private folder must not sit inside MEDIA_ROOT (served at /media/), nor contain it."""
    private_backend = settings.STORAGES.get("private", {}).get("BACKEND", "")
    if not private_backend:
        return [checks.Error("STORAGES has no 'private' store.", id="shopsocial.E020")]
    if not private_backend.endswith("PrivateFileSystemStorage"):
        return []
    private_root = Path(settings.PRIVATE_MEDIA_ROOT).resolve()
    media_root = Path(settings.MEDIA_ROOT).resolve()
    if private_root.is_relative_to(media_root) or media_root.is_relative_to(private_root):
        return [
            checks.Error(
                "PRIVATE_MEDIA_ROOT must be outside MEDIA_ROOT (and not contain it).",
                id="shopsocial.E021",
            )
        ]
    return []


@checks.register(checks.Tags.security, deploy=True)
def media_on_object_storage(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """`check --deploy`: uploads on a local disk cannot be shared by several web machines."""
    if settings.STORAGES.get("default", {}).get("BACKEND", "").endswith("FileSystemStorage"):
        return [
            checks.Warning(
                "Uploads are stored on this machine's disk (MEDIA_ROOT).",
                hint="Set MEDIA_S3_BUCKET and MEDIA_S3_PRIVATE_BUCKET to use object storage "
                "when more than one web machine serves the shop.",
                id="shopsocial.W022",
            )
        ]
    return []


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """whitenoise's compressed manifest storage (hashed names, far-future caching), each
    URL worked out once per process: every page's frame names the same stylesheet,
    script and icons, and the manifest that maps them is read once when the process
    starts and only changes with a deploy (new processes). 0.2 ms per page
    (bench/README.md). Off while DEBUG, where Django serves the unhashed names."""

    KEPT_URLS = 4096  # templates name a few dozen files; the cap only bounds memory

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls: dict[str, str] = {}

    def url(self, name, force=False):
        if force or settings.DEBUG:
            return super().url(name, force)
        url = self._urls.get(name)
        if url is None:
            url = super().url(name)  # a file missing from the manifest raises: not kept
            if len(self._urls) < self.KEPT_URLS:
                self._urls[name] = url
        return url
