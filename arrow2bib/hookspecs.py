"""The hook specifications: the whole contract between arrow2bib and its plugins.

Built-in formats are plugins too, registered through these very hooks. Hooks are always
called with keyword arguments. See the README section "Writing a plugin".
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Sequence

import pluggy

if TYPE_CHECKING:
    from .checks.base import Check
    from .exporters.base import Exporter
    from .model import Paper

__all__ = ["hookimpl", "hookspec"]

hookspec = pluggy.HookspecMarker("arrow2bib")
hookimpl = pluggy.HookimplMarker("arrow2bib")


@hookspec
def register_exporters(register: Callable[[Exporter], None]) -> None:
    """Register output formats.

    Call ``register(exporter)`` once per format, with an instance of a subclass of
    :class:`arrow2bib.exporters.base.Exporter`.

    :param register: the callback that validates and records one exporter.
    """


@hookspec(firstresult=True)
def citation_key(paper: Paper, pattern: str | None) -> str | None:
    """Choose the base citation key of a paper, before arrow2bib makes keys unique.

    Return ``None`` to leave the choice to the next plugin; the built-in implementation runs
    last. The key must be legal in BibTeX and biber (letters, digits and ``-_:./+``, not
    starting with ``_``); arrow2bib appends ``a``, ``b``... to keys that collide.

    :param paper: the paper that needs a key.
    :param pattern: the ``--key-pattern`` the user gave, or ``None`` for the default.
    """


@hookspec(firstresult=True)
def citation_keys(papers: Sequence[Paper], pattern: str | None) -> list[str | None] | None:
    """Choose the base citation keys of a batch of consecutive papers at once: the batch form
    of :func:`citation_key`, for a plugin whose per-paper call would cost more than its work.

    Return one entry per paper, in order: a key, or ``None`` to leave that paper to the
    per-paper ``citation_key`` hook (and so to the built-in pattern); return ``None`` to leave
    the whole batch. arrow2bib checks every key's legality and makes keys unique as for
    :func:`citation_key`. arrow2bib has no built-in implementation: when no plugin implements
    either hook, the built-in pattern is filled directly, without a hook call per paper.

    :param papers: consecutive papers of one page that need keys.
    :param pattern: the ``--key-pattern`` the user gave, or ``None`` for the default.
    """


@hookspec
def register_checks(register: Callable[[type[Check]], None]) -> None:
    """Register checks.

    Call ``register(CheckClass)`` once per check, with a subclass of
    :class:`arrow2bib.checks.base.Check`; arrow2bib makes a new instance for every run.

    :param register: the callback that validates and records one check class.
    """
