"""What executes a run: :mod:`.pipeline` (pages -> keys -> checks -> de-duplication ->
exporter, streaming in two passes over :mod:`.spool` files) and :mod:`.parallel` (the same
run spread over ``--jobs`` processes)."""
