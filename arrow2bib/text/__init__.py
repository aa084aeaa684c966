"""Text shared by every stage: the one fold and normal forms (:mod:`.fold`), the light
markup text fields keep (:mod:`.markup`), and LaTeX for the BibTeX exporters (:mod:`.latex`)."""
