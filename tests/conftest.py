"""Shared fixtures: the sample page, parsed once, and a fresh plugin manager per test."""

from __future__ import annotations

import os
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "xiuqiang-he.txt"
#: The CSL and ORCID schemas: ``../shared/schemas`` beside the checkout (CI has it), or the
#: folder ``ARROW2BIB_SCHEMAS`` names. Tests that need it skip where it is absent, and fail
#: under ``CI=true`` (the root ``conftest.py``).
SCHEMAS = pathlib.Path(os.environ.get("ARROW2BIB_SCHEMAS") or ROOT.parent / "shared" / "schemas")


@pytest.fixture(scope="session", autouse=True)
def _subprocess_bytecode(tmp_path_factory):
    """The Python processes the tests start (``python -m arrow2bib`` on the checkout's
    sources, say) keep their compiled modules in this session's temporary folder: with
    PYTHONDONTWRITEBYTECODE=1 in the environment (as on the machines here) each of them
    compiled the whole package again, and without it they would write ``__pycache__``
    folders into the checkout. This process is not affected (it read both at start-up)."""
    with pytest.MonkeyPatch.context() as patch:  # undone at the session's end
        patch.setenv("PYTHONPYCACHEPREFIX", str(tmp_path_factory.mktemp("pycache")))
        patch.delenv("PYTHONDONTWRITEBYTECODE", raising=False)
        yield


@pytest.fixture
def pm():
    """A fresh plugin manager with the built-in plugins only (no installed ones)."""
    from arrow2bib.plugins import get_plugin_manager

    return get_plugin_manager(load_installed=False)


@pytest.fixture(scope="session")
def sample_page():
    from arrow2bib import parse_file

    return parse_file(SAMPLE)


@pytest.fixture
def sample_entries(sample_page, pm):
    """The sample page's papers paired with their citation keys."""
    from arrow2bib.keys import entries_for

    return entries_for(sample_page.papers, pm)


@pytest.fixture(scope="session")
def schemas():
    if not SCHEMAS.is_dir():
        pytest.skip(f"the schema folder {SCHEMAS} (CSL and ORCID schemas) is absent: "
                    "put shared/schemas beside the checkout or name a copy in ARROW2BIB_SCHEMAS")
    return SCHEMAS


@pytest.fixture(scope="session")
def dask_client():
    """A two-worker Dask LocalCluster (processes, one thread each) and its client, for the
    tests of the Dask backend. Tasks that kill their worker fail at once (no retries), and
    ``ARROW2BIB_TEST_MAIN_PID`` tells the test plugins which process is the test's."""
    distributed = pytest.importorskip(
        "distributed", reason="the Dask extra is not installed (pip install 'arrow2bib[dask]')")
    import warnings

    import dask

    os.environ["ARROW2BIB_TEST_MAIN_PID"] = str(os.getpid())
    with warnings.catch_warnings(), dask.config.set({"distributed.scheduler.allowed-failures": 0}):
        # the scheduler's HTTP port may be taken: it picks another
        warnings.filterwarnings("ignore", "Port .* is already in use", UserWarning)
        cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                           dashboard_address=None)
        with cluster, distributed.Client(cluster) as client:
            yield client


@pytest.fixture(scope="session")
def page_5k(tmp_path_factory) -> pathlib.Path:
    """A generated page of 5,000 papers (benchmarks.generate), made once per test process."""
    from benchmarks.generate import write

    path = tmp_path_factory.mktemp("page-5k") / "page-5k.txt"
    with path.open("w", encoding="utf-8") as out:
        write(5_000, out)
    return path


@pytest.fixture(scope="session")
def c_table(tmp_path_factory):
    """``arrow2bib._index.Table``, the compiled core's duplicate table, built from this
    checkout's ``arrow2bib/_index.c`` into a temporary folder (the tests import the sources,
    not an install) with the C compiler Python was built with. Skips where there is none (a
    failure under ``CI=true``)."""
    import importlib.util
    import sysconfig

    try:
        from setuptools._distutils.ccompiler import new_compiler
        from setuptools._distutils.errors import CCompilerError, DistutilsExecError
        from setuptools._distutils.sysconfig import customize_compiler
    except ImportError as exc:
        pytest.skip(f"setuptools builds the C table for this test, and it is missing ({exc}): "
                    "pip install '.[test]'")

    folder = tmp_path_factory.mktemp("c-table")
    compiler = new_compiler()
    customize_compiler(compiler)
    target = folder / f"_index{sysconfig.get_config_var('EXT_SUFFIX')}"
    try:
        objects = compiler.compile([str(ROOT / "arrow2bib" / "_index.c")], output_dir=str(folder),
                                   include_dirs=[sysconfig.get_paths()["include"]],
                                   extra_postargs=["-O2", "-Wall"])
        compiler.link_shared_object(objects, str(target))
    except (CCompilerError, DistutilsExecError, OSError) as exc:
        pytest.skip(f"no C compiler builds arrow2bib/_index.c here ({exc})")
    spec = importlib.util.spec_from_file_location("arrow2bib._index", target)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.Table


@pytest.fixture(params=["python", "c"])
def table_type(request):
    """Each implementation of the duplicate index's table: the Python reference and C."""
    from arrow2bib.checks.duplicates import _Table

    return _Table if request.param == "python" else request.getfixturevalue("c_table")
