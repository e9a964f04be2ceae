"""Rebuild an index in several forked processes, each writing its own segment.

Whoosh's own `MpWriter` has the calling process pickle every document into
files that its workers read back: on two cores that hand-over costs about a
sixth of the work. Here each process makes its own documents instead (a
part: a share of a list in memory, or its own walk over a database) and
writes them into a segment of its own; the calling process, which holds
the index's lock, only adds the finished segments to the table of contents.

The processes are forked, so a part can be any function, closures included.
Where the system cannot fork, the parts run one after another here.
"""

from __future__ import annotations

import multiprocessing
import queue
from collections.abc import Callable, Iterable, Sequence

from whoosh.writing import SegmentWriter

# A part is called as part(report) in its own process and returns the
# documents to write; report(n) tells the caller's `progress` that n more
# units (whatever the part counts) are done.
Part = Callable[[Callable[[int], None]], Iterable]


class PartFailed(RuntimeError):
    """A process writing one part of the index failed or died."""


def can_fork() -> bool:
    """Say whether parts can run in forked processes on this system."""
    return "fork" in multiprocessing.get_all_start_methods()


def write_parts(
    index,
    writer: SegmentWriter,
    parts: Sequence[Part],
    *,
    to_fields: Callable,
    limitmb: int,
    progress: Callable[[int], None] | None = None,
) -> tuple[list, int]:
    """Write each part in its own process; return (segments, documents written).

    `writer`, opened on the Whoosh `index`, holds its lock and stays in this
    process; the caller commits the returned segments with it.
    """
    context = multiprocessing.get_context("fork")
    messages = context.Queue()
    processes = [
        context.Process(
            target=_write_part,
            args=(index, part, to_fields, limitmb, messages),
            daemon=True,
        )
        for part in parts
    ]
    for process in processes:
        process.start()
    try:
        return _collect(processes, messages, progress or no_report)
    finally:
        for process in processes:
            if process.is_alive():
                process.kill()
            process.join()
        messages.close()


def _write_part(index, part: Part, to_fields, limitmb: int, messages) -> None:
    """In a forked process: write one part into a new segment, send it back."""
    try:
        writer = SegmentWriter(index, _lk=False, limitmb=limitmb)
        count = 0
        for document in part(lambda units: messages.put(("progress", units, 0))):
            writer.add_document(**to_fields(document))
            count += 1
        if count:
            segment = writer._finalize_segment()
        else:
            writer._close_segment()
            segment = None
        messages.put(("done", segment, count))
    except BaseException as error:  # reported to the caller, which raises
        messages.put(("failed", f"{type(error).__name__}: {error}", 0))


def _collect(processes, messages, progress) -> tuple[list, int]:
    segments, total, waiting = [], 0, len(processes)
    while waiting:
        try:
            kind, value, count = messages.get(timeout=1.0)
        except queue.Empty:
            _check_alive(processes)
            continue
        if kind == "progress":
            progress(value)
        elif kind == "failed":
            raise PartFailed(value)
        else:
            waiting -= 1
            total += count
            if value is not None:
                segments.append(value)
    return segments, total


def _check_alive(processes) -> None:
    # A process killed from outside (or out of memory) sends nothing.
    for process in processes:
        if process.exitcode not in (None, 0):
            raise PartFailed(f"an indexing process died (exit code {process.exitcode})")


def no_report(units: int) -> None:
    """Progress nobody asked for."""
