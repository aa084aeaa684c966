"""Where the engine's tasks run. A backend only runs a function on a value and hands back the
result later (:meth:`Backend.submit`); the engine decides what, in which order and how many at
a time (:attr:`Backend.depth`). Three backends: this process, a pool of worker processes
(``--jobs``), and a Dask cluster.

Process hygiene, the same promise in each: no worker outlives the process that started it (a
pool's workers watch their parent and exit when it is gone, however it ended: SIGKILL
included), and a worker that dies is one :class:`~arrow2bib.errors.WorkerError` naming the
input it was working on, never a raw traceback of the pool.
"""

from __future__ import annotations

import contextlib
import os
import signal
import stat
import threading
import time
from typing import TYPE_CHECKING, Any, Callable, Generic, Iterable, Protocol, TypeVar

from .._signals import HELD, signals_held
from ..errors import SettingError, WorkerError
from ..read.sources import is_text_page, is_url
from ._collector import tune

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

    from distributed import Client

__all__ = ["AUTO_JOBS", "AUTO_JOBS_BYTES", "Backend", "DaskBackend", "InProcess", "ProcessPool",
           "backend_for", "default_jobs", "pool_unavailable"]

T = TypeVar("T")
R = TypeVar("R")
R_co = TypeVar("R_co", covariant=True)


class Handle(Protocol[R_co]):
    """A submitted task's result, to come."""

    def result(self) -> R_co: ...


class Backend(Protocol):
    """Runs tasks: plain module-level functions of picklable values."""

    #: How many tasks the engine keeps in flight (memory grows with it).
    depth: int
    #: How many parts a large page may be cut in for reading (1: read it whole).
    parts: int
    #: Whether tasks run in this process (then papers need not be sent as plain tuples).
    local: bool

    def submit(self, fn: Callable[[T], R], arg: T, label: str) -> Handle[R]: ...

    def close(self, abort: bool = False) -> None:
        """Stop; with ``abort`` (the run failed or was interrupted), without waiting for the
        tasks in flight."""


class _Later(Generic[R]):
    """A task run when its result is asked for (in this process)."""

    def __init__(self, fn: Callable[[Any], R], arg: Any):
        self.fn, self.arg = fn, arg

    def result(self) -> R:
        return self.fn(self.arg)


class InProcess:
    """Every task in this process, one at a time, when the engine asks for its result."""

    depth = 1
    parts = 1
    local = True

    def submit(self, fn: Callable[[T], R], arg: T, label: str) -> Handle[R]:
        return _Later(fn, arg)

    def close(self, abort: bool = False) -> None:
        pass


def _worker_start(parent: int) -> None:
    """In a new worker: take SIGINT and SIGTERM as they come (the worker was forked while
    the parent held them back, and inherits that mask: the pool's SIGTERM to its workers
    after one died did nothing, and the run hung), watch the parent, and set the collector
    for a run (the workers are arrow2bib's own processes: :mod:`arrow2bib.run._collector`)."""
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, HELD)
    _watch_parent(parent)
    tune()


def _watch_parent(parent: int) -> None:
    """In a worker: exit at once when the process that started the pool is gone. Ctrl-C and
    SIGTERM are the main process's to handle (it stops the workers)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.2)
        os._exit(3)

    threading.Thread(target=watch, name="arrow2bib-watch-parent", daemon=True).start()


class _PoolHandle(Generic[R]):
    def __init__(self, pool: ProcessPool, future: Any, fn: Callable[[Any], R], arg: Any,
                 label: str):
        self.pool, self.future, self.fn, self.arg, self.label = pool, future, fn, arg, label

    def result(self) -> R:
        from concurrent.futures.process import BrokenProcessPool

        try:
            return self.future.result()
        except BrokenProcessPool:
            # a worker died, and with it every task in flight: which one killed it is not
            # known, so each is run again alone, in order; the one that kills its worker
            # again is the culprit, named in the error
            return self.pool.alone(self.fn, self.arg, self.label)
        finally:
            self.arg = None


class ProcessPool:
    """Tasks in ``jobs`` worker processes (``--jobs N``).

    When a worker dies, the tasks that were in flight are run again one at a time, each in a
    worker of its own: the task that kills its worker again is a
    :class:`~arrow2bib.errors.WorkerError` naming its input; the others complete (a worker
    killed by chance, by the OOM killer say, costs time, not the run)."""

    local = False

    def __init__(self, jobs: int):
        if jobs < 1:
            raise ValueError(f"jobs must be 1 or more, not {jobs}")
        self.jobs = jobs
        self.depth = 2 * jobs
        self.parts = jobs
        self._pool = self._start(jobs)

    @staticmethod
    def _start(workers: int) -> ProcessPoolExecutor:
        # imported here: multiprocessing is a large import that --jobs 1 never needs
        from concurrent.futures import ProcessPoolExecutor

        return ProcessPoolExecutor(max_workers=workers, initializer=_worker_start,
                                   initargs=(os.getpid(),))

    def submit(self, fn: Callable[[T], R], arg: T, label: str) -> Handle[R]:
        from concurrent.futures.process import BrokenProcessPool

        if getattr(self._pool, "_broken", False):  # a worker died: a new pool for what follows
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = self._start(self.jobs)
        # a submit may start workers (fork): a signal is held until it is done (see _signals)
        with signals_held():
            try:
                future = self._pool.submit(fn, arg)
            except BrokenProcessPool:
                self._pool = self._start(self.jobs)
                future = self._pool.submit(fn, arg)
        return _PoolHandle(self, future, fn, arg, label)

    def alone(self, fn: Callable[[T], R], arg: T, label: str) -> R:
        """Run one task in a worker of its own; its death is a WorkerError naming ``label``."""
        from concurrent.futures.process import BrokenProcessPool

        solo = self._start(1)
        try:
            with signals_held():
                future = solo.submit(fn, arg)
            return future.result()
        except BrokenProcessPool as exc:
            raise WorkerError(
                f"{label}: a worker process died while working on it (killed, out of memory, "
                "or a crash in a compiled library), twice; nothing was written. Leave this "
                "input out, or try --jobs 1 to see the error in this process.",
                source=label) from exc
        finally:
            solo.shutdown(wait=True, cancel_futures=True)

    def close(self, abort: bool = False) -> None:
        if abort:  # the tasks in flight are of no use: stop the workers now
            processes = list((getattr(self._pool, "_processes", None) or {}).values())
            for process in processes:
                process.kill()
            for process in processes:
                process.join(timeout=10)
            # a worker killed halfway through sending its result leaves the pool's manager
            # thread reading the rest of it forever (this process holds the pipe's writing end
            # too, so no end of file comes), and the shutdown below waiting for that thread:
            # closing that end makes the read fail, and the pool shuts down as broken
            writer = getattr(getattr(self._pool, "_result_queue", None), "_writer", None)
            if writer is not None:
                with contextlib.suppress(OSError):
                    writer.close()
        self._pool.shutdown(wait=True, cancel_futures=True)


class _DaskHandle(Generic[R]):
    def __init__(self, future: Any, label: str):
        self.future, self.label = future, label

    def result(self) -> R:
        from distributed import KilledWorker

        try:
            return self.future.result()
        except KilledWorker as exc:
            raise WorkerError(f"{self.label}: the Dask workers died while working on it "
                              f"({exc}); nothing was written.", source=self.label) from exc
        finally:
            self.future.release()


class DaskBackend:
    """Tasks on the workers of a Dask cluster (``distributed.Client``). The workers must read
    the inputs by the same paths (a shared file system) or URLs, and have the plugins."""

    local = False

    def __init__(self, client: Client | None = None):
        import distributed

        if client is None:
            try:
                client = distributed.default_client()
            except ValueError:
                raise ValueError("No Dask client: pass client=distributed.Client(...) (a "
                                 "LocalCluster or a scheduler address).") from None
        self.client = client
        threads = sum(client.nthreads().values()) or 1
        self.depth = 2 * threads
        self.parts = threads

    def submit(self, fn: Callable[[T], R], arg: T, label: str) -> Handle[R]:
        return _DaskHandle(self.client.submit(fn, arg, pure=False), label)

    def close(self, abort: bool = False) -> None:
        pass  # the cluster is the caller's; the futures are released as they are read


def available_cpus() -> int:
    """The CPUs this process may run on: its affinity mask where the system has one, as
    ``os.process_cpu_count()`` of Python 3.13 counts them, else all of them."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # no affinity masks (macOS, Windows)
        return max(1, os.cpu_count() or 1)


#: The command line's default: inputs of this many bytes or more in all are worked on in
#: several processes. Below it a pool costs about what it saves: on 2 CPUs a page of 2x10^3
#: papers (0.8 MB) ran no faster with ``--jobs 2``, pages of 1.2 MB in all now faster, now
#: slower; from 1.5 MB, one page or many, 1.1-1.25x faster (docs/speed.md).
AUTO_JOBS_BYTES = 2 * 2**20
#: The most processes the default starts (``--jobs auto`` starts one per CPU): past three or
#: four, the main process, which keeps the keys and the duplicate check in order, is what
#: limits the run, and each worker holds some 40 MB more.
AUTO_JOBS = 4


def default_jobs(pages: Iterable[str | os.PathLike[str]], cpus: int | None = None) -> int:
    """The processes a run of ``pages`` takes when none are asked for: one when their files
    hold under :data:`AUTO_JOBS_BYTES` in all (URLs, stdin, FIFOs and what cannot be read
    count nothing), and one for a single HTML page or web archive of any size (read whole
    by one process: measured, two processes gained nothing on one of 17 MiB); else one per
    CPU (``cpus``, by default :func:`available_cpus`), at most :data:`AUTO_JOBS`."""
    files: list[tuple[str | os.PathLike[str], int]] = []
    for page in pages:
        if isinstance(page, str) and (page == "-" or is_url(page)):
            continue
        try:
            info = os.stat(page)
        except (OSError, ValueError):
            continue  # the run says what is wrong with it, at its turn
        if stat.S_ISREG(info.st_mode):
            files.append((page, info.st_size))
    if sum(size for _page, size in files) < AUTO_JOBS_BYTES:
        return 1
    if len(files) == 1 and not is_text_page(files[0][0]):
        return 1
    return max(1, min(AUTO_JOBS, available_cpus() if cpus is None else cpus))


def pool_unavailable() -> str | None:
    """Why this system cannot run a pool of worker processes, or None when it can. Some
    sandboxes (AWS Lambda, containers without ``/dev/shm``) have no POSIX semaphores, which
    the pool's queues need: making one (no process is started) is the test."""
    try:
        from concurrent.futures import ProcessPoolExecutor

        ProcessPoolExecutor(max_workers=1).shutdown(wait=False)
    except (ImportError, NotImplementedError, OSError) as exc:
        return str(exc) or type(exc).__name__
    return None


def backend_for(jobs: int) -> Backend:
    """The backend ``--jobs N`` asks for. Raises :class:`~arrow2bib.errors.SettingError`
    when ``jobs`` is more than 1 on a system that cannot run worker processes."""
    if jobs == 1:
        return InProcess()
    reason = pool_unavailable()
    if reason is not None:
        raise SettingError(f"jobs={jobs}: this system cannot run worker processes "
                           f"({reason}); use one process (jobs=1).")
    return ProcessPool(jobs)
