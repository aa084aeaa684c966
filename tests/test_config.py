"""Settings files (issue 18): arrow2bib.toml, pyproject.toml's [tool.arrow2bib] and the user
file change the key pattern, the format, its options, the checks and the venues through the
command line; their precedence; errors with file and line. Every test works in a temporary
project folder with its own HOME and XDG_CONFIG_HOME."""

from __future__ import annotations

import io
import json
from pathlib import Path

import bibtexparser
import pytest

from arrow2bib import venues
from arrow2bib.cli import main

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "xiuqiang-he.txt"


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """A project folder (the working directory is a folder inside it), a home of its own."""
    monkeypatch.delenv("ARROW2BIB_NO_CONFIG", raising=False)
    for name in ("ARROW2BIB_KEY_PATTERN", "ARROW2BIB_FORMAT", "ARROW2BIB_SKIP_CHECKS",
                 "ARROW2BIB_OPTIONS", "ARROW2BIB_JOBS"):
        monkeypatch.delenv(name, raising=False)
    home = tmp_path / "home"
    (home / ".config").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    root = tmp_path / "proj"
    (root / "work").mkdir(parents=True)
    (root / "page.txt").write_bytes(EXAMPLE.read_bytes())
    monkeypatch.chdir(root / "work")
    return root


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def _keys(bib: str) -> list[str]:
    return [entry.key for entry in bibtexparser.parse_string(bib).entries]


def _user_file(project: Path) -> Path:
    path = project.parent / "home" / ".config" / "arrow2bib" / "arrow2bib.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def test_no_settings_means_the_defaults(project):
    code, out, _ = _run("convert", "../page.txt", "--to", "bibtex")
    assert code == 0 and "li2025higher" in _keys(out)
    code, out, _ = _run("config")
    assert code == 0 and "no settings" in out


def test_project_file_sets_key_pattern_format_options_and_checks(project):
    (project / "arrow2bib.toml").write_text(
        'key-pattern = "{auth}{year}"\n'
        'format = "bibtex"\n'
        'skip-checks = ["truncated-authors"]\n'
        "[options.bibtex]\n"
        'encoding = "utf8"\n', "utf-8")
    code, out, err = _run("convert", "../page.txt")
    assert code == 0, err
    keys = _keys(out)
    assert "li2025" in keys and "li2025higher" not in keys  # the pattern, in BibTeX (the format)
    assert "Müller" in out or any(ord(c) > 127 for c in out)  # utf8, not LaTeX escapes
    assert "[truncated-authors]" not in err
    # the command line beats the file
    code, out, err = _run("convert", "../page.txt", "-k", "{auth}{year}{title}",
                          "-O", "encoding=ascii", "--skip-check", "duplicate")
    assert "li2025higher" in _keys(out) and all(ord(c) < 128 for c in out)
    assert "[truncated-authors]" in err


def test_configured_format_yields_to_an_output_of_another_extension(project):
    (project / "arrow2bib.toml").write_text('format = "biblatex"\n', "utf-8")
    assert _run("convert", "../page.txt", "-o", "refs.ris")[0] == 0
    assert (project / "work" / "refs.ris").read_text("utf-8").startswith("TY  - ")
    assert _run("convert", "../page.txt", "-o", "refs.bib")[0] == 0
    assert "  date = {" in (project / "work" / "refs.bib").read_text("utf-8")  # biblatex


def test_user_venue_table_is_merged_over_the_builtin_one(project):
    page = project / "page.txt"
    page.write_text(EXAMPLE.read_text("utf-8").replace(
        "NeurIPS Conference 2025", "MyConf Conference 2025", 1), "utf-8")
    code, out, err = _run("convert", "../page.txt", "--to", "bibtex", "--strict")
    assert code == 1 and "'MyConf' (Conference) is not in the venue table" in err
    (project / "arrow2bib.toml").write_text(
        "[[venues]]\n"
        'id = "myconf"\n'
        'aliases = ["MyConf"]\n'
        'short = "MyConf"\n'
        'event = "My Conference on Things"\n'
        'container = "Proceedings of the {nth} My Conference on Things"\n'
        'kind = "proceedings"\n'
        "edition = {year = 2020, number = 3}\n", "utf-8")
    code, out, err = _run("convert", "../page.txt", "--to", "bibtex", "--strict")
    assert code == 0, err
    assert "Proceedings of the 8th My Conference on Things" in out
    # the built-in venues still resolve, and the table is the packaged one after the run
    assert "Advances in Neural Information Processing Systems" in out
    assert venues.resolve("MyConf", 2025, "Conference") is None
    assert venues.resolve("NeurIPS", 2025, "Conference") is not None


def test_user_venues_reach_the_worker_processes(project):
    for name in ("a.txt", "b.txt"):
        (project / name).write_text(EXAMPLE.read_text("utf-8").replace(
            "NeurIPS Conference 2025", "MyConf Conference 2025", 1).replace(
            "Xiuqiang He", f"Xiuqiang He {name}"), "utf-8")
    (project / "arrow2bib.toml").write_text(
        '[[venues]]\nid = "myconf"\naliases = ["MyConf"]\nshort = "MyConf"\n'
        'event = "My Conference"\ncontainer = "Proceedings of My Conference"\n'
        'kind = "proceedings"\n', "utf-8")
    serial = _run("convert", "../a.txt", "../b.txt", "--to", "bibtex")
    parallel = _run("convert", "../a.txt", "../b.txt", "--to", "bibtex", "--jobs", "2")
    assert serial[1] == parallel[1] and serial[1].count("Proceedings of My Conference") == 2


def test_precedence(project, monkeypatch):
    user = _user_file(project)
    user.write_text('key-pattern = "{auth}"\n', "utf-8")

    def effective() -> dict:
        code, out, err = _run("config", "--json")
        assert code == 0, err
        return {row["key"]: row for row in json.loads(out)["settings"]}

    assert effective()["key-pattern"]["from"] == f"{user}:1"
    (project / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.arrow2bib]\nkey-pattern = "{auth}{year}"\n', "utf-8")
    assert effective()["key-pattern"] == {
        "key": "key-pattern", "value": "{auth}{year}", "from": f"{project}/pyproject.toml:5"}
    (project / "arrow2bib.toml").write_text('\nkey-pattern = "{year}{auth}"\n', "utf-8")
    assert effective()["key-pattern"]["from"] == f"{project}/arrow2bib.toml:2"
    monkeypatch.setenv("ARROW2BIB_KEY_PATTERN", "{auth}{title}")
    assert effective()["key-pattern"]["from"] == "environment ARROW2BIB_KEY_PATTERN"
    # and through a real conversion: environment over files, the command line over all
    assert "lihigher" in _keys(_run("convert", "../page.txt", "--to", "bibtex")[1])
    assert "2025li" in _keys(_run("convert", "../page.txt", "--to", "bibtex",
                                  "-k", "{year}{auth}")[1])
    monkeypatch.setenv("ARROW2BIB_NO_CONFIG", "1")
    rows = effective()
    assert rows["key-pattern"]["from"] == "environment ARROW2BIB_KEY_PATTERN"
    monkeypatch.delenv("ARROW2BIB_KEY_PATTERN")
    assert effective() == {}


def test_options_merge_per_name_across_layers(project, monkeypatch):
    _user_file(project).write_text('[options]\nlinks = "url"\n', "utf-8")
    (project / "arrow2bib.toml").write_text('[options.ris]\neol = "lf"\n', "utf-8")
    code, out, _ = _run("convert", "../page.txt", "--to", "ris")
    assert code == 0 and "\r\n" not in out  # eol from the project file
    assert "N1  - Linked in the abstract" not in out  # links=url from the user file
    monkeypatch.setenv("ARROW2BIB_OPTIONS", "eol=crlf")
    assert "\r\n" in _run("convert", "../page.txt", "--to", "ris")[1]


def test_nearest_pyproject_with_a_table_is_used(project):
    (project / "pyproject.toml").write_text('[tool.arrow2bib]\nformat = "ris"\n', "utf-8")
    (project / "work" / "pyproject.toml").write_text('[project]\nname = "inner"\n', "utf-8")
    code, out, _ = _run("config")
    assert f'format = "ris"  # from {project}/pyproject.toml:2' in out


def test_a_broken_pyproject_is_an_error_when_it_is_meant_for_us(project):
    """A pyproject.toml that is not valid TOML: an error at its line when its text names
    tool.arrow2bib (it was taken for no settings at all, and the run went on with the
    defaults); some other tool's broken file is left to that tool."""
    pyproject = project / "work" / "pyproject.toml"
    pyproject.write_text('[tool.arrow2bib]\nformat = "ris"\nkey-pattern = \n', "utf-8")
    code, _, err = _run("convert", "../page.txt", "-o", "out.bib")
    assert code == 2 and f"{pyproject}:3: not valid TOML" in err, err
    assert not (project / "work" / "out.bib").exists()
    pyproject.write_text('[tool.black\nline-length = 100\n', "utf-8")
    code, _, err = _run("convert", "../page.txt", "-o", "out.bib")
    assert code == 0, err


@pytest.mark.parametrize("text,line,words", [
    ('format = "bibtex"\nkey-patern = "{auth}"\n', 2, "unknown setting 'key-patern'"),
    ('format = "bibtex"\n\nkey-pattern = \n', 3, "not valid TOML"),
    ('skip-checks = "duplicate"\n', 1, "skip-checks must be a list"),
    ('[options.bibtex]\n\nencodng = "utf8"\n', 3, "has no option 'encodng'"),
    ('skip-checks = ["nosuch"]\n', 1, "there is no check 'nosuch'"),
    ('format = "nosuch"\n', 1, "nosuch"),
    ('[[venues]]\nid = "a"\nshort = "A"\nevent = "E"\ncontainer = "C"\nkind = "x"\n\n'
     '[[venues]]\nid = "b"\n', 1, "'kind' must be 'proceedings' or 'journal'"),
    ('[[venues]]\nid = "a"\nshort = "A"\nevent = "E"\ncontainer = "C"\nkind = "journal"\n\n'
     '[[venues]]\nid = "b"\n', 8, "missing 'short'"),
    # options that changed nothing, in silence (a misspelled format table, an option no
    # format has, a top-level setting written under [options])
    ('[options.bibtx]\nomit = ["abstract"]\n', 2, "[options.bibtx] names no format"),
    ('format = "bibtex"\nkey-pattern = "{nosuch}"\n', 2, "Unknown field {nosuch} in key"),
    ('[options]\nlinkz = "url"\n', 2, "no format has the option 'linkz'"),
    ('format = "bibtex"\njobs = 0\n', 2, 'jobs is a number of processes, 1 or more, or "auto"'),
    ('jobs = "many"\n', 1, "not 'many'"),
    ('jobs = true\n', 1, "not true"),
    ('jobs = 1' + '0' * 5000 + '\n', 1, "not valid TOML: Exceeds the limit"),
    ('\njobs = 100000\n', 2, "jobs: 100000 processes is more than 4 per CPU"),
    ('[options]\nlinks = "url"\nformat = "ris"\n', 3,
     "'format' is a setting of its own: write it before the first [table]"),
])
def test_errors_name_file_and_line(project, text, line, words):
    (project / "arrow2bib.toml").write_text(text, "utf-8")
    code, out, err = _run("convert", "../page.txt", "-o", "out.bib")
    assert code == 2, err
    assert f"{project}/arrow2bib.toml:{line}: " in err and words in err
    assert not (project / "work" / "out.bib").exists()


def test_an_option_no_format_has_in_the_environment_is_an_error(project, monkeypatch):
    monkeypatch.setenv("ARROW2BIB_OPTIONS", "encodin=utf8")
    code, _, err = _run("convert", "../page.txt", "-o", "out.bib")
    assert code == 2 and ("environment ARROW2BIB_OPTIONS: no format has the option "
                          "'encodin'") in err
    assert not (project / "work" / "out.bib").exists()
    monkeypatch.setenv("ARROW2BIB_OPTIONS", "links=url")  # a name some format has: fine
    assert _run("convert", "../page.txt", "-o", "out.bib")[0] == 0


def test_a_settings_file_with_a_byte_order_mark_is_read(project):
    """Notepad saves UTF-8 with a byte-order mark, which TOML does not allow: it was "not
    valid TOML: Invalid statement" at line 1, with no hint."""
    (project / "arrow2bib.toml").write_bytes(b'\xef\xbb\xbfkey-pattern = "{year}{auth}"\n')
    code, out, err = _run("convert", "../page.txt", "--to", "bibtex")
    assert code == 0, err
    assert "2025li" in _keys(out)


def test_a_settings_file_that_cannot_be_looked_at_is_an_error_naming_it(project,
                                                                        monkeypatch):
    """A user file in a folder without permission made Path.is_file raise PermissionError:
    a traceback. (Root may look anywhere: the refusal is raised where the system would.)"""
    user = _user_file(project)
    real = Path.is_file

    def is_file(path):
        if path == user:
            raise PermissionError(13, "Permission denied")
        return real(path)

    monkeypatch.setattr(Path, "is_file", is_file)
    code, _, err = _run("convert", "../page.txt", "-o", "out.bib")
    assert code == 2 and f"{user}: cannot read this settings file (Permission denied)" in err


def test_the_suite_ignores_settings_files_by_default():
    import os
    assert os.environ.get("ARROW2BIB_NO_CONFIG") == "1"


@pytest.mark.parametrize("where", ["project", "user"])
def test_a_folder_named_as_the_settings_file_is_an_error(project, where):
    """A folder (or a FIFO) named arrow2bib.toml was passed over in silence: the settings a
    user meant to put there did not apply, and a file further up did."""
    (project / "arrow2bib.toml").write_text('key-pattern = "{auth}{year}"\n', "utf-8")
    folder = (project / "work" / "arrow2bib.toml" if where == "project"
              else _user_file(project))
    folder.mkdir()
    code, out, err = _run("config")
    assert code == 2 and out == ""
    assert err == (f"arrow2bib: error: {folder}: this is a folder, not a settings file; "
                   "rename or remove it (or set ARROW2BIB_NO_CONFIG=1 to read no settings "
                   "file).\n")
    folder.rmdir()
    import os
    os.mkfifo(folder)  # reading a FIFO would wait for a writer
    code, _, err = _run("convert", "../page.txt", "--to", "bibtex")
    assert code == 2 and "not a regular file, not a settings file" in err


def test_a_folder_named_pyproject_toml_is_not_ours_to_judge(project):
    (project / "work" / "pyproject.toml").mkdir()
    code, out, _ = _run("config")
    assert code == 0 and "no settings" in out


def test_a_bad_option_value_from_a_settings_file_is_explained_without_assuming_the_flag(project):
    """The message told a user who wrote the value in arrow2bib.toml to use an -O flag."""
    (project / "arrow2bib.toml").write_text('[options.bibtex]\nencoding = "latin9"\n', "utf-8")
    code, out, err = _run("convert", "../page.txt", "--to", "bibtex")
    assert code == 2 and out == ""
    assert ("The bibtex option encoding='latin9' is not known: it takes ascii (the default: "
            "LaTeX escapes, for 8-bit bibtex) or utf8 (as -O encoding=utf8, or encoding = "
            '"utf8" under [options.bibtex] in a settings file).') in err


def test_jobs_setting(project, monkeypatch):
    from arrow2bib.run import backends
    from arrow2bib.run.backends import AUTO_JOBS_BYTES

    monkeypatch.setattr(backends.os, "sched_getaffinity", lambda pid: {0, 1, 2}, raising=False)
    big = project / "big.txt"  # the page, and a blank line that makes it large
    big.write_text(EXAMPLE.read_text("utf-8") + "\n" + " " * AUTO_JOBS_BYTES + "\n", "utf-8")
    code, _, err = _run("convert", "../big.txt", "-o", "out.bib", "-v")
    assert code == 0 and "working in 3 processes" in err, err
    (project / "arrow2bib.toml").write_text("\njobs = 1\n", "utf-8")
    code, out, _ = _run("config")
    assert f"jobs = 1  # from {project}/arrow2bib.toml:2" in out
    code, _, err_one = _run("convert", "../big.txt", "-o", "out.bib", "-v")
    assert code == 0 and "working in" not in err_one
    assert err_one == err.split("\n", 1)[1]  # the same report
    monkeypatch.setenv("ARROW2BIB_JOBS", " auto ")  # the environment beats the file
    code, out, _ = _run("config", "--json")
    assert {"key": "jobs", "value": "auto", "from": "environment ARROW2BIB_JOBS"} in \
        json.loads(out)["settings"]
    # chosen, not defaulted: no line (as --jobs auto), and the same report
    assert _run("convert", "../big.txt", "-o", "out.bib", "-v")[2] == err_one
    monkeypatch.setenv("ARROW2BIB_JOBS", "2")
    assert _run("convert", "../big.txt", "-o", "out.bib", "--jobs", "1", "-v")[2] == err_one
    # "²" is a digit that int() does not read; int() refuses 4,300 digits and more
    for bad in ("0", "²", "two", "-1", "1" * 5000):
        monkeypatch.setenv("ARROW2BIB_JOBS", bad)
        code, _, err = _run("check", "../page.txt")
        assert code == 2 and "environment ARROW2BIB_JOBS: jobs is a number of processes" in err
