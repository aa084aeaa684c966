"""Using arrow2bib as a library: read a page, look at what was found, export it.

    python examples/library_api.py
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import arrow2bib

HERE = Path(__file__).resolve().parent

page = arrow2bib.parse_file(HERE / "xiuqiang-he.txt")
print(f"{page.cluster}: {len(page.papers)} of {page.declared_papers} papers read")
for problem in page.problems:
    print(problem)

for paper in page.papers:
    names = ", ".join(a.display for a in paper.authors)
    cut = " [author list cut]" if paper.authors_status.is_cut else ""
    print(f"- {paper.year} {paper.venue}: {paper.title} ({names}){cut}")

# Export to a string...
bibtex = arrow2bib.export(page, "bibtex")
print(bibtex.split("\n\n")[0])

# ...or write files atomically; the format follows the extension.
problems = []
with tempfile.TemporaryDirectory() as tmp:
    written = arrow2bib.write(page, Path(tmp) / "refs.ris", report=problems.append)
    print("wrote", *written, f"({written[0].stat().st_size} bytes)")
print(len(problems), "problem(s) while exporting")
