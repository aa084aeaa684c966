"""``python -m arrow2bib``: the same as the ``arrow2bib`` command."""

import sys

try:
    from .cli import main
except KeyboardInterrupt:  # Ctrl-C while the program loads: nothing was done yet
    sys.stderr.write("arrow2bib: interrupted; nothing was written.\n")
    sys.exit(130)

sys.exit(main())
