"""docker-compose.yml and the Dockerfile name commands that exist; .env.example is complete.

No Docker engine runs here, so these tests check what can be checked by reading.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = (ROOT / "docker-compose.yml").read_text()
DOCKERFILE = (ROOT / "Dockerfile").read_text()


def test_compose_has_every_production_service():
    services = set(re.findall(r"^  ([a-z]+):\s*$", COMPOSE, flags=re.M))
    assert {"postgres", "redis", "web", "chat", "varnish", "worker", "beat"} <= services
    assert "mailcatcher" in services


def test_web_worker_and_beat_share_one_image_definition():
    for service in ("web", "chat", "worker", "beat"):
        block = COMPOSE.split(f"\n  {service}:\n", 1)[1].split("\n\n", 1)[0]
        assert "<<: *app" in block


def test_commands_named_by_compose_and_dockerfile_exist():
    assert "migrate_schemas" in COMPOSE and "migrate_schemas" in get_commands()
    assert "collectstatic" in DOCKERFILE and "collectstatic" in get_commands()
    # gunicorn's and uvicorn's targets and celery's app are importable objects.
    from shopsocial.asgi import application as asgi_application
    from shopsocial.celery import app
    from shopsocial.wsgi import application as wsgi_application

    # Pages on gunicorn's WSGI workers (compose and the image's CMD alike); the ASGI
    # application only in the chat service, which Varnish reaches for /ws/ alone.
    web = COMPOSE.split("\n  web:\n", 1)[1].split("\n\n", 1)[0]
    chat = COMPOSE.split("\n  chat:\n", 1)[1].split("\n\n", 1)[0]
    assert "gunicorn shopsocial.wsgi:application --worker-class sync" in web
    assert '"gunicorn", "shopsocial.wsgi:application", "--worker-class", "sync"' in DOCKERFILE
    assert callable(wsgi_application) and "asgi" not in web
    assert "uvicorn shopsocial.asgi:application" in chat and callable(asgi_application)
    vcl = (ROOT / "deploy" / "varnish" / "default.vcl").read_text()
    assert '.host = "web";' in vcl and '.host = "chat";' in vcl
    assert "./deploy/varnish/default.vcl:/etc/varnish/default.vcl" in COMPOSE
    assert "celery -A shopsocial worker" in COMPOSE and app.main == "shopsocial"
    assert "celery -A shopsocial beat" in COMPOSE


@pytest.mark.django_db
def test_beat_schedule_names_registered_tasks():
    from django.conf import settings

    from shopsocial.celery import app

    app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks, entry["task"]


def test_env_example_lists_every_setting_read_from_the_environment():
    names: set[str] = set()
    for path in (ROOT / "shopsocial" / "settings").glob("*.py"):
        names |= set(re.findall(r'env\.\w+\(\s*"([A-Z_]+)"', path.read_text()))
    documented = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), flags=re.M))
    assert names - documented == set()


def test_the_wsgi_module_moves_what_it_loaded_out_of_the_collectors_reach():
    """gc.freeze() after loading the app (shopsocial/wsgi.py): a fresh interpreter, as a
    gunicorn worker starts."""
    code = "import gc, shopsocial.wsgi; print(gc.get_freeze_count())"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "shopsocial.settings.test"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert int(out.stdout.strip().splitlines()[-1]) > 10_000
