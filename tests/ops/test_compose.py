"""docker-compose.yml checked without Docker (this machine has none): the one file holds
the whole production shape, loads, every dependency names a service, and the commands
match what ops/stack.py runs for the tests."""

from __future__ import annotations

import shlex
from pathlib import Path

import yaml

from ops.stack import celery_command, socket_command

ROOT = Path(__file__).resolve().parents[2]


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def services() -> dict[str, dict]:
    return compose()["services"]


def words(command) -> list[str]:
    return command if isinstance(command, list) else shlex.split(command)


def test_compose_files_load_and_every_dependency_is_a_service():
    found = services()
    for name, spec in found.items():
        extends = (spec.get("extends") or {}).get("service")
        assert "image" in spec or "build" in spec or extends in found, name
        for dependency in spec.get("depends_on") or {}:
            assert dependency in found, f"{name} depends on unknown {dependency}"
    for needed in ("varnish", "web", "web2", "chat", "pgbouncer", "postgres", "redis"):
        assert needed in found
    for needed in ("postgres-replica", "worker", "worker2", "beat", "mailcatcher", "minio"):
        assert needed in found
    assert not (ROOT / "ops" / "compose.scale.yml").exists()  # one file, no override
    for name, spec in found.items():
        for volume in spec.get("volumes") or []:
            source = volume.split(":", 1)[0]
            if not source.startswith("."):
                assert source in compose()["volumes"], f"{name}: undeclared volume {source}"
            else:
                assert (ROOT / source).exists(), f"{name}: {source} is missing"


def test_the_app_goes_through_pgbouncer_reads_the_replica_and_the_proxy_balances_two_nodes():
    found = services()
    web, web2 = found["web"], found["web2"]
    env = web["environment"]
    assert (
        env["DATABASE_URL"].startswith("postgres://") and "@pgbouncer:6432/" in env["DATABASE_URL"]
    )
    assert env["DATABASE_POOLER"] == "pgbouncer"
    assert "@postgres-replica:5432/" in env["REPLICA_DATABASE_URL"]
    assert web2["environment"] == env  # the same anchor: one configuration for both nodes
    assert "migrate_schemas" in web["command"] and "migrate_schemas" not in web2["command"]
    assert words(web2["command"])[:2] == ["gunicorn", "shopsocial.wsgi:application"]
    assert web2["depends_on"]["web"]["condition"] == "service_healthy"  # after migrating
    assert set(found["varnish"]["depends_on"]) == {"web", "web2", "chat"}
    vcl = (ROOT / "deploy" / "varnish" / "default.vcl").read_text()
    assert '.host = "web";' in vcl and '.host = "web2";' in vcl
    assert "pages.add_backend(web);" in vcl and "pages.add_backend(web2);" in vcl
    # Hot standby needs at least the primary's lock table (raised for pg_dump of many
    # schemas, docs/operations-scale.md).
    for name in ("postgres", "postgres-replica"):
        assert "max_locks_per_transaction=256" in found[name]["command"], name


def test_the_socket_server_runs_with_the_flags_the_tests_use():
    compose = words(services()["chat"]["command"])
    stack = socket_command(8001)
    start = stack.index("uvicorn")
    assert compose[0] == "uvicorn" and compose[1] == stack[start + 1]
    flags = dict(zip(stack[start + 2 :: 2], stack[start + 3 :: 2], strict=True))
    flags.pop("--host")
    for flag, value in flags.items():
        assert compose[compose.index(flag) + 1] == value, flag


def test_workers_and_beat_run_the_celery_app_the_tests_use():
    found = services()
    assert words(found["worker"]["command"])[:4] == ["celery", "-A", "shopsocial", "worker"]
    assert celery_command("worker")[3:6] == ["-A", "shopsocial", "worker"]
    assert words(found["beat"]["command"])[:4] == ["celery", "-A", "shopsocial", "beat"]
    assert celery_command("beat", schedule="s")[3:6] == ["-A", "shopsocial", "beat"]
    assert found["pgbouncer"]["environment"]["POOL_MODE"] == "session"
