"""How the suite is selected and ordered: `-m "not e2e"` leaves out every browser journey,
and the journeys run after every other test whatever the random order."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _collect(*args: str) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=os.environ,
    )
    assert result.returncode in (0, 5), result.stdout[-2000:] + result.stderr[-2000:]
    return [line for line in result.stdout.splitlines() if "::" in line]


def test_not_e2e_deselects_every_browser_journey():
    assert _collect("tests/e2e") != []
    assert _collect("-m", "not e2e", "tests/e2e") == []


def test_browser_journeys_run_last_in_any_random_order():
    for seed in ("1", "2", "3"):  # pytest-randomly shuffles modules and tests
        ids = _collect(
            f"--randomly-seed={seed}", "tests/e2e/test_look.py", "tests/foundation/test_settings.py"
        )
        kinds = [line.startswith("tests/e2e/") for line in ids]
        assert kinds == sorted(kinds), ids
