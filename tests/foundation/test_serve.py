"""`manage.py serve --port N`: absolute links (payment page, email) name that port."""

from django.conf import settings
from django.core.management import call_command

from shopsocial.urls_util import company_url, storefront_url


def test_serve_makes_absolute_links_use_the_port_it_serves_on(monkeypatch):
    calls = []
    monkeypatch.setenv("RUN_MAIN", "true")  # skip migrate/seed: only the port matters here
    monkeypatch.setattr(
        "retailers.management.commands.serve.call_command",
        lambda *args, **kwargs: calls.append((args, kwargs)),
    )
    monkeypatch.setattr(settings, "SHOP_PORT", settings.SHOP_PORT)  # restored afterwards
    call_command("serve", "--port", "8123", "--noreload")
    assert company_url("/x/").endswith("://www.shop.test:8123/x/")
    assert storefront_url("demo", "/").endswith("://demo.shop.test:8123/")
    assert calls == [(("runserver", "127.0.0.1:8123"), {"use_reloader": False})]


def test_serve_runs_the_beat_schedule_in_development(monkeypatch, settings):
    started = []
    settings.SERVE_RUNS_BEAT = True
    monkeypatch.setenv("RUN_MAIN", "true")
    monkeypatch.setattr("retailers.management.commands.serve.call_command", lambda *a, **k: None)
    monkeypatch.setattr(settings, "SHOP_PORT", settings.SHOP_PORT)
    monkeypatch.setattr("shopsocial.dev_beat.dev_beat_start", lambda: started.append(True))
    call_command("serve", "--port", "8124", "--noreload")
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
