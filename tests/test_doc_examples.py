"""The documentation's examples run (issue 18): every ```sh block marked
``<!-- runnable -->`` in the README and docs/*.md runs in a temporary folder (with a copy of
examples/ and a home of its own) and exits 0."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BLOCK = re.compile(r"<!-- runnable -->\n```sh\n(.*?)```", re.S)


def _blocks() -> list[tuple[str, int, str]]:
    found = []
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = path.read_text("utf-8")
        for match in BLOCK.finditer(text):
            line = text.count("\n", 0, match.start()) + 2
            found.append((str(path.relative_to(ROOT)), line, match.group(1)))
    return found


BLOCKS = _blocks()


def test_there_are_runnable_examples():
    assert len([b for b in BLOCKS if b[0] == "README.md"]) >= 5


@pytest.mark.parametrize("where,line,code", BLOCKS, ids=[f"{w}:{n}" for w, n, _ in BLOCKS])
def test_example_runs(where, line, code, tmp_path):
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "ARROW2BIB_NO_CONFIG"}
    # the arrow2bib of this interpreter first on PATH, as in an active virtual environment
    env.update(PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
               HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"))
    done = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", code], cwd=tmp_path,
                          env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"{where}:{line}: {done.stderr[-2000:]}"
