"""What a rerun costs the whole process, kept small: Streamlit runs every session's script in
one Python process, so work that holds the GIL or empties a shared cache after one session's
rerun is paid by every other session's script, training and frame callback.

Two such costs were measured (docs/DEVELOPING.md, "A class at once"):

- Garbage collection of the long-lived heap. With TensorFlow, Keras, Plotly and the models
  in memory that is ~420,000 objects, and a full collection took ~200 ms holding the GIL.
  Modules and loaded models live as long as the process, so once in memory they go to the
  collector's permanent generation (`gc.freeze()`); collections then walk only what sessions
  made since. Frozen objects are still freed by reference counting.
- Streamlit's cleanup of "problem modules" after each run calls Keras' `clear_session()`: a
  full collection, a reset of Keras' global state and `clear_kernel_cache()`, after which
  TensorFlow's next eager ops ran ~10× slower (0.2 → 2.2 ms for three small ops). Keras'
  state is thread-local and every rerun runs on a new thread, so the reset changes nothing
  for the next run; here the cleanup keeps only its other part, closing pyplot figures.

And one memory cost: a session whose browser went away is kept `server.disconnectedSessionTTL`
seconds for a reconnect, but Streamlit's store drops it only when another session is saved.
After a class the server kept thirty sessions' photos and models until the next visitor
(+98 MB of RSS 60 s after the classifier's thirty sessions closed). `reap_sessions` drops
expired sessions every REAP_SECONDS and hands the freed memory back to the system.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import logging
import sys
import threading
import time

from streamlit.runtime import Runtime
from streamlit.runtime.scriptrunner import script_runner

REAP_SECONDS = 10.0

_lock = threading.Lock()
_modules_frozen = 0


def freeze_long_lived(force: bool = False) -> None:
    """Collect once and freeze what is alive, when modules were imported since the last
    freeze (a page's first visit in this process) or when `force`d (a model was loaded)."""
    global _modules_frozen
    if not force and len(sys.modules) == _modules_frozen:
        return
    with _lock:
        if not force and len(sys.modules) == _modules_frozen:
            return
        gc.collect()
        gc.freeze()
        _modules_frozen = len(sys.modules)


def _close_pyplot_figures() -> None:
    """The part of Streamlit's per-run cleanup that matters across reruns."""
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close("all")


def skip_keras_reset() -> None:
    """Replace Streamlit's per-run cleanup (private: checked by tests/test_process_tuning.py
    on each Streamlit upgrade) by `_close_pyplot_figures`."""
    if getattr(script_runner, "_clean_problem_modules", None) is _close_pyplot_figures:
        return
    if not hasattr(script_runner, "_clean_problem_modules"):
        logging.getLogger(__name__).warning("Streamlit has no _clean_problem_modules to replace")
        return
    script_runner._clean_problem_modules = _close_pyplot_figures


def _session_store(manager=None):
    """(cache, lock) of Streamlit's store of disconnected sessions (private: checked by
    tests/test_process_tuning.py on each Streamlit upgrade), or None. `manager`: the
    session manager, by default the running server's."""
    if manager is None and Runtime.exists():
        manager = getattr(Runtime.instance(), "_session_mgr", None)
    storage = getattr(manager, "_session_storage", None)
    cache = getattr(storage, "_cache", None)
    lock = getattr(manager, "_storage_lock", None)
    return (cache, lock) if hasattr(cache, "expire") and lock is not None else None


def _trim_heap() -> None:
    """Give freed heap pages back to the system (glibc keeps them otherwise)."""
    name = ctypes.util.find_library("c")
    trim = getattr(ctypes.CDLL(name), "malloc_trim", None) if name else None
    if trim is not None:
        trim(0)


def reap_sessions(manager=None) -> int:
    """Drop the sessions whose reconnect time has passed; how many were dropped."""
    store = _session_store(manager)
    if store is None:
        return 0
    cache, lock = store
    with lock:
        dropped = len(cache.expire())
    if dropped:
        gc.collect()
        _trim_heap()
    return dropped


_reaper: threading.Thread | None = None


def start_reaper() -> None:
    """One daemon thread per process calling `reap_sessions` every REAP_SECONDS."""
    global _reaper
    if _reaper is not None:  # every rerun after the first: no lock taken
        return
    with _lock:
        if _reaper is not None:
            return

        def loop() -> None:
            while True:
                time.sleep(REAP_SECONDS)
                reap_sessions()

        _reaper = threading.Thread(target=loop, name="session-reaper", daemon=True)
        _reaper.start()


def tune_process() -> None:
    """Called at the top of every rerun: each step does nothing once done."""
    skip_keras_reset()
    freeze_long_lived()
    start_reaper()
