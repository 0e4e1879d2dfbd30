"""How the suite is selected and ordered: `-m "not e2e"` leaves out every browser journey;
collected alone, the journeys run after every other test whatever the random order;
collected with other tests, they run in a pytest process of their own that reports at the
end, fails the run when it fails, and stops when the run stops early."""

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


def _journeys_config():
    from types import SimpleNamespace

    return SimpleNamespace(
        option=SimpleNamespace(maxfail=0, randomly_seed=7),
        pluginmanager=SimpleNamespace(has_plugin=lambda name: True, get_plugin=lambda name: None),
    )


def _session_finish(config, nodeids: list[str], *, stopped: bool):
    """A journeys' process for `nodeids`, then the session's end as the e2e conftest sees
    it. `Journeys.current` is this run's own journeys process when the whole suite runs:
    it is put back untouched (replacing it would leave the real journeys unreported)."""
    import time
    from types import SimpleNamespace

    import pytest

    from tests.e2e import conftest as e2e

    session = SimpleNamespace(
        exitstatus=pytest.ExitCode.OK, shouldfail="stopped" if stopped else False,
        shouldstop=False, config=config,
    )  # fmt: skip
    real = e2e.Journeys.current
    try:
        e2e.Journeys.current = journeys = e2e.Journeys(config, nodeids)
        if stopped:
            time.sleep(3)  # well inside its test
        started = time.monotonic()
        e2e.pytest_sessionfinish(session, session.exitstatus)
        return session, journeys, time.monotonic() - started
    finally:
        e2e.Journeys.current = real


def test_the_journeys_process_reports_at_the_end_and_its_failure_fails_the_run(tmp_path):
    """The whole suite hands the browser journeys to a pytest process of their own
    (tests/e2e/conftest.py): its output comes back, and its failure is the run's."""
    import pytest

    tiny = tmp_path / "test_tiny.py"
    tiny.write_text(
        "def test_fails():\n    assert 0, 'tiny failure'\n\n\ndef test_passes():\n    pass\n"
    )
    session, journeys, _ = _session_finish(_journeys_config(), [str(tiny)], stopped=False)
    assert session.exitstatus == pytest.ExitCode.TESTS_FAILED
    assert journeys.code == 1
    assert "tiny failure" in journeys.output and "1 failed, 1 passed" in journeys.output


def test_a_run_stopped_early_stops_the_journeys_process_too(tmp_path, monkeypatch):
    from tests.e2e.conftest import Journeys

    monkeypatch.setattr(Journeys, "TIMEOUT", 30)  # not interrupted: a 30 s wait, a failure
    slow = tmp_path / "test_slow.py"
    slow.write_text("import time\n\n\ndef test_slow():\n    time.sleep(300)\n")
    # -x: a test of this run failed
    _, journeys, waited = _session_finish(_journeys_config(), [str(slow)], stopped=True)
    assert waited < 20
    assert journeys.code not in (0, None)


def test_the_whole_suite_leaves_the_journeys_process_of_this_run_alone(tmp_path):
    """The two tests above start journeys' processes of their own; this run's real one
    (when the whole suite runs) is still the one reported at the end."""
    from tests.e2e.conftest import Journeys

    before = Journeys.current
    tiny = tmp_path / "test_ok.py"
    tiny.write_text("def test_ok():\n    pass\n")
    _session_finish(_journeys_config(), [str(tiny)], stopped=False)
    assert Journeys.current is before
