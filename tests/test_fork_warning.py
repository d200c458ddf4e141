"""No fork DeprecationWarning on Python 3.12+ (`mkdocs serve` builds in a thread, so the
process that forks the workers has threads; see the safety rules in generator/workers.py).

generator.workers uses the standard library only, so any Python 3.12+ found on the machine
can run it without govsite's dependencies.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ROOT

SCRIPT = f"""
import sys, threading, warnings
sys.path.insert(0, {str(ROOT)!r})
warnings.simplefilter("always")
from generator import workers
stop = threading.Event()
threading.Thread(target=stop.wait, daemon=True).start()  # as under mkdocs serve
assert workers.run_all(abs, [-1, -2, -3, -4, -5], tasks=5, cache=True) == [1, 2, 3, 4, 5]
job = workers.Background(lambda: None)
job.start()
job.join()
print("forked")
"""


def interpreters() -> list[str]:
    """Python 3.12+ interpreters that run: this one, those on the PATH, pyenv's."""
    found = {sys.executable} if sys.version_info >= (3, 12) else set()
    candidates = [shutil.which(f"python3.{minor}") for minor in range(12, 16)]
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    candidates += [str(p) for p in sorted(pyenv.glob("3.1[2-9]*/bin/python3"))]
    for path in candidates:
        if (
            path
            and subprocess.run([path, "-c", ""], capture_output=True, check=False).returncode == 0
        ):
            found.add(str(Path(path).resolve()))
    return sorted(found)


@pytest.mark.parametrize("python", interpreters() or ["none"])
def test_forking_workers_from_a_threaded_process_warns_of_nothing(python: str) -> None:
    if python == "none":
        pytest.skip("no Python 3.12 or later on this machine to run the workers with")
    result = subprocess.run(
        [python, "-c", SCRIPT], capture_output=True, text=True, timeout=120, check=False
    )
    if "No module named" in result.stderr:
        pytest.skip(f"{python} cannot import the standard modules the workers use")
    assert result.returncode == 0, result.stderr
    assert "forked" in result.stdout
    assert "DeprecationWarning" not in result.stderr, result.stderr
