"""Shell completion generated from the parser (shtab): bash completes the commands and the
options of the real parser; zsh, fish and tcsh scripts name them too."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
import shtab

from arrow2bib.cli import SHELLS, main


def _script(shell: str) -> str:
    out = io.StringIO()
    assert main(["completion", shell], out=out, err=io.StringIO()) == 0
    return out.getvalue()


def _bash_complete(script: str, tmp_path, *words: str) -> list[str]:
    path = tmp_path / "arrow2bib.bash"
    path.write_text(script, "utf-8")
    line = " ".join(words)
    command = (f"source {path}; COMP_WORDS=({line}); COMP_CWORD={len(words) - 1}; "
               f"COMP_LINE='{line}'; COMP_POINT={len(line)}; _shtab_arrow2bib; "
               'printf "%s\\n" "${COMPREPLY[@]}"')
    done = subprocess.run(["bash", "-c", command], capture_output=True, text=True, check=True,
                          cwd=tmp_path)
    return done.stdout.split()


def test_bash_completes_commands_and_options(tmp_path):
    assert shutil.which("bash")
    script = _script("bash")
    assert _bash_complete(script, tmp_path, "arrow2bib", "con") == ["convert", "config"]
    assert _bash_complete(script, tmp_path, "arrow2bib", "convert", "--ded") == ["--dedupe"]
    assert "--report" in _bash_complete(script, tmp_path, "arrow2bib", "check", "--re")
    assert _bash_complete(script, tmp_path, "arrow2bib", "completion", "fi") == ["fish"]


def test_bash_completes_file_names_for_inputs_and_the_report(tmp_path):
    # the parser marks these arguments for shtab only when it is built for a completion script
    (tmp_path / "page.txt").write_text("x", "utf-8")
    script = _script("bash")
    assert _bash_complete(script, tmp_path, "arrow2bib", "convert", "pa") == ["page.txt"]
    assert _bash_complete(script, tmp_path, "arrow2bib", "check", "--report", "pa") == [
        "page.txt"]


def test_bash_completes_format_and_check_names(tmp_path):
    """--to and --skip-check completed nothing: their names are the registered ones."""
    script = _script("bash")
    assert _bash_complete(script, tmp_path, "arrow2bib", "convert", "x", "--to", "bib") == [
        "biblatex", "bibtex"]
    assert _bash_complete(script, tmp_path, "arrow2bib", "check", "x", "-t", "or") == ["orcid"]
    assert _bash_complete(script, tmp_path, "arrow2bib", "convert", "x", "--skip-check",
                          "dup") == ["duplicate"]


def test_the_run_s_parser_takes_any_format_name():
    # the names are choices of the completion script's parser only: a format name the
    # registry does not know is still the registry's error (with its own message)
    err = io.StringIO()
    assert main(["convert", "-", "--to", "nosuch"], out=io.StringIO(), err=err) == 2
    assert "invalid choice" not in err.getvalue() and "nosuch" in err.getvalue()


def test_the_shells_offered_are_shtab_s():
    # named in arrow2bib.cli so that building the parser does not import shtab
    assert set(SHELLS) <= set(shtab.SUPPORTED_SHELLS)
    for shell in SHELLS:
        assert "convert" in _script(shell)


@pytest.mark.parametrize("shell", ["zsh", "fish", "tcsh", "powershell"])
def test_other_shells_name_every_command_and_option(shell):
    script = _script(shell)
    for word in ("convert", "check", "formats", "config", "completion", "dedupe",
                 "key-pattern", "report", "verbose", "bibtex", "duplicate"):
        assert word in script, word


def test_unknown_shell_is_a_usage_error(capsys):
    assert main(["completion", "csh"], out=io.StringIO(), err=io.StringIO()) == 2
    assert "invalid choice: 'csh'" in capsys.readouterr().err  # argparse's own message
