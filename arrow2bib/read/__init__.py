"""Stage 1, reading: a page (text, HTML, a URL or stdin) becomes :class:`~arrow2bib.model.Paper`
objects and problems.

- :mod:`.sources` opens paths, URLs and stdin and decodes them into numbered lines
  (:mod:`.fetch` for URLs, :mod:`.html` for saved HTML pages);
- :mod:`.grammar` reads those lines into a page header and a stream of papers, with
  :mod:`.repair` (the text extraction's damage) and :mod:`.names` (author names);
- :mod:`._parts` cuts one large text page into parts that ``--jobs`` processes read apart.
"""
