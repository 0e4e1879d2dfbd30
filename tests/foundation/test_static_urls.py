"""Static files' URLs (shopsocial.storage.StaticFilesStorage): the hashed names of
whitenoise's manifest, each worked out once per process, the same as the manifest says."""

from __future__ import annotations

import json

import pytest

from shopsocial.storage import StaticFilesStorage


@pytest.fixture
def storage(tmp_path, settings):
    settings.DEBUG = False
    (tmp_path / "staticfiles.json").write_text(
        json.dumps({"paths": {"css/site.css": "css/site.0123abcd.css"}, "version": "1.1"})
    )
    return StaticFilesStorage(location=str(tmp_path), base_url="/static/")


def test_the_url_is_the_manifests_hashed_name_and_is_worked_out_once(storage, monkeypatch):
    assert storage.url("css/site.css") == "/static/css/site.0123abcd.css"
    monkeypatch.setattr(storage, "stored_name", lambda name: pytest.fail("manifest read again"))
    assert storage.url("css/site.css") == "/static/css/site.0123abcd.css"


def test_a_file_missing_from_the_manifest_raises_every_time(storage):
    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            storage.url("css/missing.css")


def test_while_debug_the_unhashed_name_is_served_and_nothing_is_kept(storage, settings):
    settings.DEBUG = True
    assert storage.url("css/site.css") == "/static/css/site.css"
    settings.DEBUG = False
    assert storage.url("css/site.css") == "/static/css/site.0123abcd.css"
