"""docker-compose.yml (and the scale override) checked without Docker: the files load,
every dependency names a service, and the commands match what ops/stack.py runs."""

from __future__ import annotations

import shlex
from pathlib import Path

import yaml

from ops.stack import celery_command, socket_command

ROOT = Path(__file__).resolve().parents[2]


def services() -> dict[str, dict]:
    base = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    scale = yaml.safe_load((ROOT / "ops/compose.scale.yml").read_text())["services"]
    merged = {name: dict(spec or {}) for name, spec in base.items()}
    for name, spec in scale.items():
        merged.setdefault(name, {}).update(spec or {})
    return merged


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
