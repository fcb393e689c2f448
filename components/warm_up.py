"""Work a fresh server starts once, on its first page view, so that no student waits for it.

Today that is Draw a digit's default CNN, which has no pretrained copy to download: trained
in a background thread (~15 s on two idle cores, at most about a minute), it is usually
ready before anyone has reached that page and drawn. A server that trained it on an earlier
start finds it on disk and does nothing.

TensorFlow is imported here, in the script's own thread, before the training thread starts:
two threads importing TensorFlow and Keras at once can deadlock on Python's module locks
(seen: `_DeadlockError` on `tensorflow.python.trackable.data_structures`). So the first page
view of a server without the model pays TensorFlow's import (~4 s), once.
"""

from __future__ import annotations

import threading

from models.digits.location import model_path

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
    if model_path().is_file():
        return
    from models.digits.model import start_training

    start_training()
