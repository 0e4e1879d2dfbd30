"""`manage.py serve --port N`: absolute links (payment page, email) name that port.

serve changes no setting at run time: it starts the dev server as a new process whose
settings read SHOP_PORT from the environment.
"""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]


def test_serve_prepares_the_database_then_runs_the_dev_server_on_its_port(monkeypatch):
    commands, processes = [], []
    monkeypatch.setattr(
        "retailers.management.commands.serve.call_command",
        lambda *args, **kwargs: commands.append(args),
    )
    monkeypatch.setattr(
        "retailers.management.commands.serve.subprocess.run",
        lambda argv, **kwargs: processes.append((argv, kwargs["env"])),
    )
    port_before = settings.SHOP_PORT
    call_command("serve", "--port", "8123", "--noreload")
    assert commands == [("migrate_schemas",), ("seed_demo",)]
    [(argv, env)] = processes
    assert argv[1:] == [str(ROOT / "manage.py"), "runserver", "127.0.0.1:8123", "--noreload"]
    assert env["SHOP_PORT"] == ":8123"
    assert port_before == settings.SHOP_PORT


def test_the_port_from_the_environment_names_absolute_links():
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(DJANGO_SETTINGS_MODULE="shopsocial.settings.test", SHOP_PORT=":8123")
    script = (
        "import django; django.setup(); from shopsocial.urls_util import company_url, "
        "storefront_url; print(company_url('/x/'), storefront_url('demo', '/'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["http://www.shop.test:8123/x/", "http://demo.shop.test:8123/"]
