"""A smoke test of benchmarks/duplicates.py on a tiny page: every row runs and agrees with
the library (the benchmark itself is run by hand; its times are not tested)."""

from __future__ import annotations

import json

from benchmarks import duplicates


def test_the_duplicate_benchmark_runs_on_a_tiny_page(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    out = tmp_path / "results.json"
    assert duplicates.main(["--sizes", "40", "--modes", "overlap", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "The duplicate check alone" in printed and "Whole processes" in printed
    results = json.loads(out.read_text())
    alone = {row["how"]: row for row in results["alone"]}
    assert set(alone) == {"default", "memory", "database", "difflib"}
    assert all(row["papers"] == 40 and row["seconds"] > 0 for row in alone.values())
    # the same matches in memory and from the database; all 40 papers fit the budget
    assert alone["default"]["matches"] == alone["database"]["matches"]
    assert alone["default"]["in_memory"] and not alone["database"]["in_memory"]
    names = [row["name"] for row in results["rows"]]
    assert "arrow2bib convert --to bibtex" in names
    assert "arrow2bib convert --to bibtex --jobs 2" in names
    assert all(row["error"] is None for row in results["rows"]), results["rows"]
    if results["machine"]["peers"]:
        assert "bibtex-tidy --duplicates: BibTeX -> BibTeX" in names
