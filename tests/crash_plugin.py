"""A plugin whose paper check kills the worker process it runs in (never the main process) on a
paper titled "Crash here": what a crash in compiled code, or the OOM killer, does to a worker.

(A module of the tests package, so that worker processes import it by name.)
"""

from __future__ import annotations

import os

from arrow2bib import PaperCheck, hookimpl

#: The process the test runs in (``ARROW2BIB_TEST_MAIN_PID``, set before the workers start;
#: else the process that imported this first): the check never kills it.
MAIN = os.getpid()


def main_pid() -> int:
    return int(os.environ.get("ARROW2BIB_TEST_MAIN_PID") or MAIN)


class Crash(PaperCheck):
    name = "crash"
    codes = ()

    def paper(self, paper, key):
        if paper.title == "Crash here" and os.getpid() != main_pid():
            os._exit(70)
        return ()


@hookimpl
def register_checks(register):
    register(Crash)


@hookimpl
def citation_key(paper, pattern):
    """Kills the worker that keys a paper titled "Crash when read" (keys are made where the
    page is read)."""
    if paper.title == "Crash when read" and os.getpid() != main_pid():
        os._exit(70)
    return None
