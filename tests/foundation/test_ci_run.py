"""`.ci/run` installs uv unless `uv --version` actually works (a broken shim is not uv)."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CI_RUN = (ROOT / ".ci" / "run").read_text()


def _uv_step() -> str:
    match = re.search(r"^if ! uv --version.*?^fi$", CI_RUN, flags=re.M | re.S)
    assert match, "the uv step of .ci/run checks `uv --version`"
    return match.group(0)


def _run_uv_step(tmp_path: Path, *, uv_works: bool) -> str:
    """Run .ci/run's uv step with stub `uv` and `python3` on PATH; return what pip was asked."""
    bin_dir = tmp_path / "bin"
    user_bin = tmp_path / "user" / "bin"
    bin_dir.mkdir()
    user_bin.mkdir(parents=True)
    log = tmp_path / "pip.log"
    (bin_dir / "uv").write_text(
        "#!/bin/sh\nexit 0\n"
        if uv_works
        else "#!/bin/sh\necho 'shim: no version set' >&2\nexit 1\n"
    )
    (bin_dir / "python3").write_text(
        "#!/bin/sh\n"
        f'if [ "$2" = site ]; then echo {tmp_path / "user"}; exit 0; fi\n'
        f'echo "$@" >> {log}\n'
        f'printf "#!/bin/sh\\nexit 0\\n" > {user_bin / "uv"}; chmod +x {user_bin / "uv"}\n'
    )
    for stub in bin_dir.iterdir():
        stub.chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}:/usr/bin:/bin"}
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", _uv_step()], env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return log.read_text() if log.exists() else ""


def test_a_uv_shim_that_does_not_run_gets_uv_installed(tmp_path):
    assert _run_uv_step(tmp_path, uv_works=False).split() == [
        "-m",
        "pip",
        "install",
        "--quiet",
        "uv",
    ]


def test_a_working_uv_is_left_alone(tmp_path):
    assert _run_uv_step(tmp_path, uv_works=True) == ""


def test_readme_set_up_line_checks_uv_version_too():
    readme = (ROOT / "README.md").read_text()
    assert "uv --version || python3 -m pip install uv" in readme
