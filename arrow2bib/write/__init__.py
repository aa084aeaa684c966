"""The last stage, writing: output files written atomically (:mod:`.files`), new entries
appended to a user's ``.bib`` file (:mod:`.merge_into`), and the problem report
(:mod:`.report`)."""
