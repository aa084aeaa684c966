"""The run streams: papers pass through one at a time and are not kept, whatever the page's
size (the benchmark measures the memory; this checks the property behind it)."""

from __future__ import annotations

import gc
import io
import re

from arrow2bib.model import Paper
from arrow2bib.exporters.base import WRITE_BATCH
from arrow2bib.run.engine import LOCAL_SLICE
from arrow2bib.run.pipeline import Run


def _live_papers() -> int:
    gc.collect()
    return sum(1 for obj in gc.get_objects() if type(obj) is Paper)


def test_papers_are_not_kept_while_converting(tmp_path, pm):
    from benchmarks.generate import write

    page = tmp_path / "page.txt"
    with open(page, "w", encoding="utf-8") as out:
        write(3000, out, seed=3)
    exporter = __import__("arrow2bib").formats(pm).get("bibtex")
    before = _live_papers()
    seen = []
    with Run([str(page)], pm=pm, exporter=exporter) as run:
        run.read()
        after_reading = _live_papers() - before
        out = io.StringIO()

        def entries():
            for number, entry in enumerate(run.entries()):
                if number in (1000, 2500):
                    seen.append(_live_papers() - before)
                yield entry

        exporter.export(entries(), out, run.export_options())
        assert run.read_count == run.written == 3000
        assert len(re.findall(r"^@\w+\{", out.getvalue(), re.MULTILINE)) == 3000
    # one batch in flight (the engine's LOCAL_SLICE papers, checked together) and the exporter's
    # batch being formatted, never the page's thousands
    assert after_reading <= 2
    assert all(count <= LOCAL_SLICE + WRITE_BATCH + 10 for count in seen), seen
