"""Meta-tests: every hook is documented in docs/plugins.md with the signature its spec has, and
every hook is exercised by a test implementing it."""

from __future__ import annotations

import inspect
import re

import pytest

from arrow2bib import hookspecs

from .conftest import ROOT

HOOKS = [name for name, fn in inspect.getmembers(hookspecs, inspect.isfunction)
         if hasattr(fn, "arrow2bib_spec")]


def signature(name: str) -> str:
    fn = getattr(hookspecs, name)
    annotations = dict(fn.__annotations__)
    returns = annotations.pop("return")
    params = ", ".join(f"{p}: {annotations[p]}" for p in inspect.signature(fn).parameters)
    return f"{name}({params}) -> {returns}"


def test_hooks_found():
    assert set(HOOKS) >= {"register_exporters", "register_checks", "citation_key"}


@pytest.mark.parametrize("name", HOOKS)
def test_hook_documented_with_its_signature(name):
    readme = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")  # moved from the README
    assert f"`{signature(name)}`" in readme, signature(name)


@pytest.mark.parametrize("name", HOOKS)
def test_hook_has_a_test(name):
    implemented = re.compile(rf"@hookimpl[^\n]*\n\s*def {name}\(")
    tests = [p for p in (ROOT / "tests").glob("test_*.py")
             if p.name != "test_hooks_documented.py"
             and implemented.search(p.read_text(encoding="utf-8"))]
    assert tests, f"no test implements the {name} hook"


def test_ci_runs_the_readme_test_command():
    import re as _re

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick = readme[readme.index("## Quick start"):]
    quick = quick[:quick.index("\n## ", 1)]
    commands = [c.strip() for c in _re.findall(r"```sh\n(.*?)```", quick, _re.S)]
    assert len(commands) == 2
    assert commands[1] in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
