"""``python -m arrow2bib``: the same as the ``arrow2bib`` command."""

import sys

from .cli import main

sys.exit(main())
