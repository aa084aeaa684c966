"""Plugin loading and the format registry: built-ins are plugins like any other."""

from __future__ import annotations

import sys
import textwrap
from importlib import metadata

import pytest

from arrow2bib import Exporter, FormatError, PluginError, hookimpl
from arrow2bib.exporters.registry import Formats
from arrow2bib.plugins import DEFAULT_PLUGINS, PluginWarning, load_entry_points


class Dummy(Exporter):
    name = "dummy"
    extension = ".dummy"
    description = "test format"

    def export(self, entries, out, options):
        for entry in entries:
            out.write(f"{entry.key}\n")


def test_builtin_formats_registered_through_the_hook(pm):
    formats = Formats(pm)
    assert {"json", "bibtex", "biblatex", "csljson", "ris", "orcid"} <= set(formats.names())
    for info in formats:
        assert info.plugin.split()[0] in DEFAULT_PLUGINS


@pytest.mark.parametrize(
    "path, name",
    [("refs.bib", "bibtex"), ("refs.ris", "ris"), ("works.xml", "orcid"),
     ("refs.json", "csljson"), ("REFS.BIB", "bibtex")],
)
def test_format_for_path(pm, path, name):
    assert Formats(pm).for_path(path).name == name


def test_unknown_format_and_extension(pm):
    formats = Formats(pm)
    with pytest.raises(FormatError, match="Unknown format 'docx'.*bibtex"):
        formats.get("docx")
    with pytest.raises(FormatError, match="--to"):
        formats.for_path("refs.docx")


def test_aliases(pm):
    assert Formats(pm).get("csl-json").name == "csljson"


def test_third_party_exporter(pm, sample_page):
    import arrow2bib

    class Plugin:
        @hookimpl
        def register_exporters(self, register):
            register(Dummy())

    pm.register(Plugin(), name="dummy-plugin")
    assert "dummy" in Formats(pm).names()
    text = arrow2bib.export(sample_page, "dummy", pm=pm)
    assert text.splitlines()[11] == "guo2017deepfm"


def test_name_registered_twice_names_both_plugins(pm):
    class Clash(Dummy):
        name = "bibtex"

    class Plugin:
        @hookimpl
        def register_exporters(self, register):
            register(Clash())

    pm.register(Plugin(), name="clashing-plugin")
    with pytest.raises(PluginError) as info:
        Formats(pm)
    assert "arrow2bib.exporters.bibtex" in str(info.value)
    assert "clashing-plugin" in str(info.value)


def test_replace_takes_over_a_name(pm):
    class Better(Dummy):
        name = "bibtex"
        replace = True

    class Plugin:
        @hookimpl
        def register_exporters(self, register):
            register(Better())

    pm.register(Plugin(), name="better-bibtex")
    formats = Formats(pm)
    assert isinstance(formats.get("bibtex"), Better)
    assert [i.plugin for i in formats if i.name == "bibtex"] == ["better-bibtex"]


@pytest.mark.parametrize(
    "thing, message",
    [(object(), "not an instance"), (type("NoExt", (Dummy,), {"extension": ""})(), "extension"),
     (type("BadExt", (Dummy,), {"extension": "bib"})(), "start with a dot")],
)
def test_invalid_registrations(pm, thing, message):
    class Plugin:
        @hookimpl
        def register_exporters(self, register):
            register(thing)

    pm.register(Plugin(), name="invalid")
    with pytest.raises(PluginError, match=message):
        Formats(pm)


@pytest.fixture
def plugin_modules(tmp_path, monkeypatch):
    """Real importable modules for fake entry points to load."""
    (tmp_path / "good_a2b_plugin.py").write_text(textwrap.dedent("""
        from arrow2bib import Exporter, hookimpl

        class Good(Exporter):
            name = "good"
            extension = ".good"
            def export(self, entries, out, options):
                out.write("good\\n")

        @hookimpl
        def register_exporters(register):
            register(Good())
    """))
    (tmp_path / "broken_a2b_plugin.py").write_text("raise ImportError('missing dependency xyz')\n")
    (tmp_path / "typo_a2b_plugin.py").write_text(textwrap.dedent("""
        from arrow2bib import hookimpl

        @hookimpl
        def register_exporter(register):  # misspelled hook name
            pass
    """))
    monkeypatch.syspath_prepend(str(tmp_path))
    yield
    for name in ("good_a2b_plugin", "broken_a2b_plugin", "typo_a2b_plugin"):
        sys.modules.pop(name, None)


def _eps(*names):
    return [metadata.EntryPoint(name=n, value=f"{n}_a2b_plugin", group="arrow2bib") for n in names]


def test_broken_plugin_warns_and_others_keep_working(plugin_modules):
    from arrow2bib.plugins import get_plugin_manager

    pm = get_plugin_manager(load_installed=False)
    with pytest.warns(PluginWarning, match=r"'broken'.*missing dependency xyz"):
        load_entry_points(pm, _eps("broken", "good"), env={})
    names = Formats(pm).names()
    assert "good" in names and "bibtex" in names


def test_misspelled_hook_fails_loudly(plugin_modules):
    from arrow2bib.plugins import get_plugin_manager

    pm = get_plugin_manager(load_installed=False)
    with pytest.warns(PluginWarning, match="register_exporter"):
        load_entry_points(pm, _eps("typo"), env={})
    assert pm.get_plugin("typo") is None


def test_strict_mode_makes_it_an_error(plugin_modules):
    from arrow2bib.plugins import get_plugin_manager

    pm = get_plugin_manager(load_installed=False)
    with pytest.raises(PluginError, match="'broken'") as info:
        load_entry_points(pm, _eps("good", "broken"), env={"ARROW2BIB_STRICT_PLUGINS": "1"})
    assert "skipped" not in str(info.value)  # it stops the run: nothing is skipped


@pytest.mark.parametrize("value, loaded", [("", []), ("good", ["good"]), ("good,broken", None)])
def test_load_plugins_selects(plugin_modules, value, loaded):
    from arrow2bib.plugins import get_plugin_manager

    pm = get_plugin_manager(load_installed=False)
    if loaded is None:
        with pytest.warns(PluginWarning):
            load_entry_points(pm, _eps("good", "broken"), env={"ARROW2BIB_LOAD_PLUGINS": value})
        loaded = ["good"]
    else:
        load_entry_points(pm, _eps("good", "broken"), env={"ARROW2BIB_LOAD_PLUGINS": value})
    assert [n for n in ("good", "broken") if pm.get_plugin(n) is not None] == loaded


def test_load_plugins_naming_a_plugin_not_installed_warns(plugin_modules):
    from arrow2bib.plugins import get_plugin_manager

    pm = get_plugin_manager(load_installed=False)
    with pytest.warns(PluginWarning, match=r"names 'nosuch', which no installed package "
                      r"provides \(installed: broken, good\)"):
        load_entry_points(pm, _eps("good", "broken"), env={"ARROW2BIB_LOAD_PLUGINS": "nosuch"})
    assert pm.get_plugin("good") is None
    with pytest.raises(PluginError, match="'nosuch'"):
        load_entry_points(pm, _eps("good"), env={"ARROW2BIB_LOAD_PLUGINS": "good,nosuch",
                                                 "ARROW2BIB_STRICT_PLUGINS": "1"})


def test_managers_do_not_leak(pm):
    from arrow2bib.plugins import get_plugin_manager

    class Plugin:
        @hookimpl
        def register_exporters(self, register):
            register(Dummy())

    pm.register(Plugin(), name="leaky")
    assert "dummy" not in Formats(get_plugin_manager(load_installed=False)).names()


def test_registration_goes_through_the_hook_call_so_wrappers_and_tracing_apply():
    from arrow2bib import hookimpl
    from arrow2bib.checks import registered_checks
    from arrow2bib.plugins import get_plugin_manager

    seen: list[str] = []

    class Wrapper:
        @hookimpl(wrapper=True)
        def register_exporters(self, register):
            seen.append("exporters")
            return (yield)

        @hookimpl(wrapper=True)
        def register_checks(self, register):
            seen.append("checks")
            return (yield)

    pm = get_plugin_manager(load_installed=False)
    pm.register(Wrapper(), name="wrapper")
    traced: list[str] = []
    undo = pm.add_hookcall_monitoring(lambda name, impls, kwargs: traced.append(name),
                                      lambda outcome, name, impls, kwargs: None)
    formats = Formats(pm)
    checks = registered_checks(pm)
    undo()
    # one call per registering plugin, each wrapped and traced; attribution is kept
    assert seen.count("exporters") == len({info.plugin for info in formats}) > 1
    registering = [i for i in pm.hook.register_checks.get_hookimpls() if not i.wrapper]
    assert seen.count("checks") == len(registering) >= 1 and checks
    assert traced.count("register_exporters") == seen.count("exporters")
    assert {info.plugin for info in formats} >= {"arrow2bib.exporters.bibtex",
                                                 "arrow2bib.exporters.citeproc"}


def test_a_check_name_registered_twice_names_both_plugins(pm):
    from arrow2bib.checks import Check, registered_checks

    class Again(Check):
        name = "duplicate"

    class Plugin:
        @hookimpl
        def register_checks(self, register):
            register(Again)

    pm.register(Plugin(), name="again-plugin")
    with pytest.raises(PluginError, match=r"'duplicate' is registered twice: by "
                                          r"arrow2bib\.checks\.builtin and by again-plugin"):
        registered_checks(pm)


def test_a_problems_severity_given_as_its_name_is_the_member():
    """A plugin's Problem(severity="warning") was accepted, then failed far away (in the
    run's log: 'str' object has no attribute 'value'); a name that is none stops at once."""
    from arrow2bib import Problem, Severity

    problem = Problem(code="x", severity="warning", message="m")
    assert problem.severity is Severity.WARNING and problem.as_dict()["severity"] == "warning"
    with pytest.raises(ValueError, match="'warnin' is not a valid Severity"):
        Problem(code="x", severity="warnin", message="m")
