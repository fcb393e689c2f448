"""Work a fresh server starts once, on its first page view, so that no student waits for it.

Today that is Draw a digit's default CNN, which has no pretrained copy to download: trained
in the background (~15 s on two idle cores, at most about a minute), it is usually ready
before anyone has reached that page and drawn. TensorFlow is imported in the warm-up thread
too, so the first page view itself stays as quick as any other.
"""

from __future__ import annotations

import threading

_started = threading.Event()
_lock = threading.Lock()


def warm_up() -> None:
    """Start the background work once per process; every later call returns at once."""
    if _started.is_set():
        return
    with _lock:
        if _started.is_set():
            return
        _started.set()
    threading.Thread(target=_train_digit_model, name="warm-up", daemon=True).start()


def _train_digit_model() -> None:
    from models.digits.model import start_training

    start_training()
