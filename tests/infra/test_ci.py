"""The CI entry point stays runnable."""

import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CI_RUN = ROOT / ".ci" / "run"


def test_ci_run_is_an_executable_bash_script_without_syntax_errors():
    assert CI_RUN.exists()
    assert os.access(CI_RUN, os.X_OK)
    assert CI_RUN.read_text().startswith("#!/usr/bin/env bash")

    result = subprocess.run(  # noqa: S603 - fixed command line
        [shutil.which("bash") or "/bin/bash", "-n", str(CI_RUN)],
        capture_output=True,
        text=True,
    )

    assert result.returncode == 0, result.stderr


def test_ci_run_stops_on_errors():
    assert "set -euo pipefail" in CI_RUN.read_text()
