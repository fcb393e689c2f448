"""Heavy work across sessions: one slot per core, first come first served, a stopped waiter
gives its place back, a finished or failed block gives its slot back."""

from __future__ import annotations

import threading

from streamlit.testing.v1 import AppTest

from components.heavy_slots import Slots


def test_slots_are_handed_out_in_the_order_asked() -> None:
    slots = Slots(1)
    first, second, third = slots.join(), slots.join(), slots.join()
    assert [slots.ahead(t) for t in (first, second, third)] == [0, 1, 2]
    assert not slots.take(second, 0.01)  # not its turn
    assert slots.take(first, 0.01)
    assert slots.busy == 1 and slots.ahead(second) == 0
    assert not slots.take(second, 0.01)  # its turn, but no free slot
    slots.release()
    assert slots.take(second, 0.01)


def test_a_waiter_who_leaves_lets_the_next_one_go() -> None:
    slots = Slots(1)
    first, second = slots.join(), slots.join()
    slots.leave(first)
    assert slots.ahead(second) == 0 and slots.take(second, 0.01)


def test_never_more_at_once_than_slots() -> None:
    slots, lock = Slots(2), threading.Lock()
    running, most = [0], [0]

    def work() -> None:
        ticket = slots.join()
        while not slots.take(ticket, 0.05):
            pass
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        threading.Event().wait(0.02)
        with lock:
            running[0] -= 1
        slots.release()

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert most[0] == 2 and slots.busy == 0


def _page_whose_work_fails() -> None:
    import streamlit as st

    from components.heavy_slots import SLOTS, heavy_work

    try:
        with heavy_work():
            raise ValueError("the training failed")
    except ValueError:
        st.write(f"busy after failure: {SLOTS.busy}")


def test_a_failed_block_gives_its_slot_back() -> None:
    at = AppTest.from_function(_page_whose_work_fails).run()
    assert not at.exception
    assert at.markdown[0].value == "busy after failure: 0"
