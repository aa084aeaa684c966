"""The optional compiled core (everything else is in pyproject.toml).

``ARROW2BIB_COMPILE=1 pip install .`` compiles the modules listed in ``arrow2bib/_core.py``
with mypyc and builds the C extension ``arrow2bib._index`` (the duplicate index's table,
``arrow2bib/_index.c``): mypy becomes a build requirement, and a working C compiler with the
Python headers must be there. Without the switch, without a compiler, and always for an editable
install (a compiled module would hide later edits of its source) the same modules install as
plain Python, which is the reference and writes the same bytes. Opt-in because the gain is
small for the build time (about 1.1x the speed for a minute or more of building; see
docs/speed.md).
"""

from __future__ import annotations

import ast
import atexit
import os
import shutil
import sys
import sysconfig
import tempfile
import warnings
from pathlib import Path

from setuptools import Extension, setup

HERE = Path(__file__).resolve().parent
_OFF = ("", "0", "false", "no", "off")


def core_modules() -> list[str]:
    """``CORE_MODULES`` of arrow2bib/_core.py, read as text (the package is not importable
    before it is built)."""
    tree = ast.parse((HERE / "arrow2bib" / "_core.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", "") == "CORE_MODULES":
            return list(ast.literal_eval(node.value))  # type: ignore[arg-type]
    raise RuntimeError("arrow2bib/_core.py has no CORE_MODULES")


def _asked() -> bool:
    return os.environ.get("ARROW2BIB_COMPILE", "").strip().lower() not in _OFF


def _why_pure() -> str | None:
    if not _asked():
        return "ARROW2BIB_COMPILE=1 compiles it with mypyc"
    if {"editable_wheel", "develop"} & set(sys.argv):
        return "an editable install runs its sources as they are edited"
    if sys.implementation.name != "cpython":
        return f"the compiled core is built for CPython, not {sys.implementation.name}"
    return _compiler_problem()


def _compiler_problem() -> str | None:
    """None when a C compiler builds a file that includes Python.h, else why not."""
    from setuptools._distutils.ccompiler import new_compiler
    from setuptools._distutils.sysconfig import customize_compiler

    compiler = new_compiler()
    customize_compiler(compiler)
    with tempfile.TemporaryDirectory() as work:
        source = Path(work) / "probe.c"
        source.write_text("#include <Python.h>\nint probe(void) { return 0; }\n")
        try:
            compiler.compile([str(source)], output_dir=work,
                             include_dirs=[sysconfig.get_paths()["include"]])
        except Exception as exc:  # CompileError, or no compiler program at all
            return f"no working C compiler with the Python headers ({exc})"
    return None


def _path(module: str) -> str:
    base = module.replace(".", "/")
    return f"{base}/__init__.py" if (HERE / base).is_dir() else f"{base}.py"


def ext_modules() -> list:
    why = _why_pure()
    if why:
        print(f"arrow2bib: installing the pure-Python core: {why}.", file=sys.stderr)
        return []
    # the duplicate index's table in C: plain C, no build requirement but the compiler
    table = Extension("arrow2bib._index", ["arrow2bib/_index.c"],
                      extra_compile_args=["-O2"] if os.name == "posix" else [])
    try:
        from mypyc.build import mypycify
    except ImportError:
        print("arrow2bib: mypy (mypyc) is not installed: building arrow2bib._index only.",
              file=sys.stderr)
        return [table]
    paths = [_path(name) for name in core_modules()]
    print(f"arrow2bib: compiling {len(paths)} core modules with mypyc, and arrow2bib._index.",
          file=sys.stderr)
    try:
        # the build environment lacks the runtime dependencies: their types are Any to mypyc
        return [table, *mypycify(["--ignore-missing-imports", *paths], opt_level="3",
                                 debug_level="0", target_dir=os.path.join(BUILD, "mypyc"),
                                 group_name="arrow2bib_core")]
    except (Exception, SystemExit) as exc:  # mypyc exits on a type error it cannot compile
        print(f"arrow2bib: mypyc failed ({exc!r}); building arrow2bib._index only.",
              file=sys.stderr)
        return [table]


# A fresh build folder for every build: pip builds in the checkout, and setuptools would put
# what an earlier build left in build/lib (a module compiled then, pure or gone now) into
# this wheel.
BUILD = tempfile.mkdtemp(prefix="arrow2bib-build-")
atexit.register(shutil.rmtree, BUILD, ignore_errors=True)

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    # setup_requires is how setuptools' build backend learns a requirement of this build
    # only: mypy when the compiled core is asked for (pip installs it, then builds again)
    setup(ext_modules=ext_modules(), options={"build": {"build_base": BUILD}},
          setup_requires=["mypy>=1.8"] if _asked() else [])
