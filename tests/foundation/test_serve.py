"""`manage.py serve --port N`: absolute links (payment page, email) name that port.

serve changes no setting at run time: after migrating and seeding it starts its serving
half as a new process whose settings read SHOP_PORT=:N from the environment.
"""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]


def test_serve_prepares_the_database_then_serves_in_a_process_told_its_port(monkeypatch):
    commands, processes = [], []
    monkeypatch.setattr(
        "retailers.management.commands.serve.call_command",
        lambda *args, **kwargs: commands.append(args),
    )

    class Popen:
        def __init__(self, argv, *, env):
            processes.append((argv, env))

        def poll(self):
            return 0  # the server has stopped

    monkeypatch.setattr("retailers.management.commands.serve.subprocess.Popen", Popen)
    port_before = settings.SHOP_PORT
    call_command("serve", "--port", "8123", "--noreload")
    assert commands == [("migrate_schemas",), ("seed_demo",)]
    [(argv, env)] = processes
    assert argv[1:] == [
        str(ROOT / "manage.py"),
        *("serve", "--serving", "--port", "8123", "--noreload"),
    ]
    assert env["SHOP_PORT"] == ":8123"
    assert env["DATABASE_URL"]  # told its database: only this process holds the embedded one
    assert port_before == settings.SHOP_PORT


def test_the_serving_process_runs_varnish_gunicorn_and_uvicorn_when_varnish_is_installed(
    monkeypatch,
):
    calls = []
    monkeypatch.setattr("retailers.management.commands.serve.varnishd_path", lambda: "/v")
    monkeypatch.setattr(
        "retailers.management.commands.serve.serve_behind_varnish",
        lambda **kwargs: calls.append(kwargs),
    )
    monkeypatch.setattr("shopsocial.dev_beat.dev_beat_start", lambda: None)
    call_command("serve", "--serving", "--port", "8123", "--noreload")
    assert calls == [{"port": 8123, "reload": False}]


def test_the_serving_process_runs_uvicorn_for_everything_without_varnish(monkeypatch):
    calls = []
    monkeypatch.setattr("retailers.management.commands.serve.varnishd_path", lambda: None)
    monkeypatch.setattr(
        "retailers.management.commands.serve.serve_asgi",
        lambda **kwargs: calls.append(kwargs),
    )
    monkeypatch.setattr("shopsocial.dev_beat.dev_beat_start", lambda: None)
    port_before = settings.SHOP_PORT
    call_command("serve", "--serving", "--port", "8123", "--noreload")
    assert calls == [{"port": 8123, "reload": False}]
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


def test_serve_runs_the_beat_schedule_in_development(monkeypatch, settings):
    started = []
    settings.SERVE_RUNS_BEAT = True
    monkeypatch.setenv("RUN_MAIN", "true")
    monkeypatch.setattr("retailers.management.commands.serve.varnishd_path", lambda: None)
    monkeypatch.setattr("retailers.management.commands.serve.serve_asgi", lambda **k: None)
    monkeypatch.setattr("shopsocial.dev_beat.dev_beat_start", lambda: started.append(True))
    call_command("serve", "--serving", "--port", "8124", "--noreload")
    assert started == [True]


def test_dev_beat_runs_each_scheduled_task(monkeypatch, settings):
    import time

    from shopsocial import dev_beat

    ran: list[str] = []
    settings.CELERY_BEAT_SCHEDULE = {
        "holds": {"task": "orders.stock_holds_release_task", "schedule": 3600.0}
    }
    monkeypatch.setattr(dev_beat, "_run", ran.append)
    dev_beat.dev_beat_start(first_delay=0)
    for _ in range(50):
        if ran:
            break
        time.sleep(0.05)
    assert ran == ["orders.stock_holds_release_task"]


def test_development_logs_plain_lines_and_task_results_only_when_a_task_fails():
    """`serve`'s terminal: production's JSON lines and the dev beat's every-30-s "task
    succeeded" lines buried the addresses and the printed emails."""
    result = _under_development_settings(
        "import django, logging; django.setup(); trace = logging.getLogger('celery.app.trace'); "
        "trace.info('Task beat.x succeeded'); trace.error('Task beat.y raised'); "
        "logging.getLogger('shopsocial.dev_beat').info('dev beat: 1 periodic task scheduled')"
    )
    lines = result.stderr.splitlines()
    assert [line.split(" ", 2)[2] for line in lines] == [
        "ERROR celery.app.trace Task beat.y raised",
        "INFO shopsocial.dev_beat dev beat: 1 periodic task scheduled",
    ]


def test_a_task_queued_without_a_broker_runs_inline_without_a_broker_warning():
    result = _under_development_settings(
        "import django; django.setup(); from shopsocial.celery import app, task_queue\n"
        "@app.task(name='probe.echo')\ndef echo():\n    return 'ok'\n"
        "task_queue('probe.echo')",
        TASK_LOG_LEVEL="INFO",
    )
    assert "Task probe.echo[" in result.stderr and "succeeded" in result.stderr  # ran here
    assert "WARNING" not in result.stderr, result.stderr


def _under_development_settings(script: str, **env: str) -> subprocess.CompletedProcess:
    """`script` in a new interpreter with the development settings and no broker, Redis
    or logging overrides from this environment (what `serve` gets on a new machine)."""
    kept = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "CELERY_"))
        and k not in ("REDIS_URL", "LOG_FORMAT", "TASK_LOG_LEVEL")
    }
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**kept, "DJANGO_SETTINGS_MODULE": "shopsocial.settings.dev", **env},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return result
