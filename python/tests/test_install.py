"""`pip install --no-build-isolation ./python` works offline, and the
installed package finds the built library without NEWSGREP_LIB."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def test_pip_install_offline(tmp_path):
    venv = tmp_path / "venv"
    # A venv seeing Debian's packages (cffi, pip): Debian's own python
    # refuses pip installs outside one (PEP 668).
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages",
                    "--without-pip", str(venv)], check=True)
    py = venv / "bin" / "python"
    if subprocess.run([str(py), "-c", "import pip"]).returncode:
        pytest.skip("pip is not installed (python3-pip)")
    # Install from a copy (pip builds in the tree) next to the built library.
    src = tmp_path / "repo"
    shutil.copytree(REPO / "python", src / "python",
                    ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__",
                                                  ".pytest_cache", "_libpath.py"))
    (src / "build").symlink_to(REPO / os.environ.get("BUILD", "build"))
    env = {k: v for k, v in os.environ.items() if k not in ("NEWSGREP_LIB", "PYTHONPATH")}
    run = subprocess.run([str(py), "-m", "pip", "install", "-q", "--no-build-isolation",
                          "--no-index", str(src / "python")],
                         env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    out = subprocess.run([str(py), "-c", "import newsgrep; print(newsgrep.__file__);"
                          "print(newsgrep.LIBRARY_PATH); print(newsgrep.tokens('Dogs')[0].term)"],
                         env=env, cwd=tmp_path, check=True, capture_output=True,
                         text=True).stdout.split("\n")
    assert out[0].startswith(str(venv))
    assert out[1] == str(src / "build" / "libnewsgrep.so.3")
    assert out[2] == "dog"
