"""Records where libnewsgrep was found at build time (newsgrep/_libpath.py),
so an installed package finds a library from a built tree without
NEWSGREP_LIB. Order: NEWSGREP_LIB, the repository's build/, pkg-config."""

import os
import subprocess
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

SONAME = "libnewsgrep.so.3"
HERE = Path(__file__).resolve().parent


def find_library():
    env = os.environ.get("NEWSGREP_LIB")
    if env:
        p = Path(env)
        return str((p / SONAME) if p.is_dir() else p.resolve())
    built = HERE.parent / os.environ.get("BUILD", "build") / SONAME
    if built.exists():
        return str(built)
    try:
        libdir = subprocess.run(["pkg-config", "--variable=libdir", "newsgrep"],
                                capture_output=True, text=True,
                                check=False).stdout.strip()
    except OSError:
        libdir = ""
    if libdir and (Path(libdir) / SONAME).exists():
        return str(Path(libdir) / SONAME)
    return None


class BuildPy(build_py):
    def run(self):
        super().run()
        lib = find_library()
        if lib:
            out = Path(self.build_lib) / "newsgrep" / "_libpath.py"
            out.write_text(f"# written by setup.py at install time\nLIB = {lib!r}\n")


setup(cmdclass={"build_py": BuildPy})
