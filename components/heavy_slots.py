"""At most one training or conversion per core at a time, across every session — and one
core always left for the pages.

Thirty students who press Train together would otherwise run thirty Keras fits on two cores:
each thirty times slower, and every other page's rerun starved of the GIL. `SLOTS` hands out
one slot per core but one (at least one) in the order asked (first come, first served); who
waits sees "waiting for a free slot — k ahead", and the page's Stop still works: Streamlit
stops a script at its next element update, and `heavy_work` gives back the ticket when it is
stopped. With a slot per core, eight students training on two cores made the Tensor
explorer's p95 3.7× its idle time; leaving a core free, 2.2× (`python -m bench classroom
--busy 8`, docs/DEVELOPING.md).
"""

from __future__ import annotations

import os
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from components.i18n import t

POLL_SECONDS = 0.25  # how often a waiting page updates its message (and can be stopped)


class Slots:
    """`size` slots handed out in ticket order; pure Python, shared by every session."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._busy = 0
        self._queue: deque[object] = deque()
        self._changed = threading.Condition()

    def join(self) -> object:
        """A ticket at the end of the queue."""
        ticket = object()
        with self._changed:
            self._queue.append(ticket)
        return ticket

    def ahead(self, ticket: object) -> int:
        """How many tickets wait before this one."""
        with self._changed:
            return self._queue.index(ticket)

    def take(self, ticket: object, timeout: float) -> bool:
        """True once `ticket` is first and a slot is free (the slot is then its own)."""
        with self._changed:
            ready = self._changed.wait_for(
                lambda: self._queue[0] is ticket and self._busy < self.size, timeout
            )
            if ready:
                self._queue.popleft()
                self._busy += 1
                self._changed.notify_all()
            return ready

    def leave(self, ticket: object) -> None:
        """Give up a ticket still waiting (its page was stopped)."""
        with self._changed:
            if ticket in self._queue:
                self._queue.remove(ticket)
                self._changed.notify_all()

    def release(self) -> None:
        with self._changed:
            self._busy -= 1
            self._changed.notify_all()

    @property
    def busy(self) -> int:
        return self._busy


SLOTS = Slots(max(1, (os.cpu_count() or 1) - 1))


@contextmanager
def heavy_work(slots: Slots = SLOTS) -> Iterator[None]:
    """Run the block in a slot; while waiting, say how many are ahead."""
    ticket = slots.join()
    notice = st.empty()
    try:
        while not slots.take(ticket, POLL_SECONDS):
            ahead = slots.ahead(ticket)
            notice.info(t("slots.waiting", ahead=ahead, n=slots.size), icon="⏳")
    except BaseException:
        slots.leave(ticket)  # stopped (Streamlit's rerun or stop) while waiting
        raise
    notice.empty()
    try:
        yield
    finally:
        slots.release()
