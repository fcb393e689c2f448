"""Training lab in Chromium: a training runs and its chart grows while the script still runs.

The live view redraws Plotly charts from the Keras callback; a broken live view would show the
chart once, at the end. Points are counted in Plotly's decoded traces (`_fullData`): the
series travel as typed arrays (base64), which `data` keeps encoded. So the test samples the
page while the app reports `running` and needs at least two different chart lengths (and
epoch texts) before the run ends.
"""

from __future__ import annotations

import pytest
from conftest import healthy, no_exception, open_app, screenshot, wait_idle
from playwright.sync_api import Page

from models.training import presets
from models.training.link import to_url

TRAIN = {"en": "Train", "es": "Entrenar"}
# The course's MNIST CNN (20 epochs, a few seconds): long enough to be watched. The dense
# presets are over in a fraction of a second on the fast engine, whatever their epochs.
WATCHED = to_url(presets.preset("mnist-cnn").config)
SAMPLE = """() => ({
    running: document.querySelector('[data-testid="stApp"]').dataset.testScriptState,
    points: [...document.querySelectorAll('[class*="st-key-training_live_"] .js-plotly-plot')]
        .map(p => (p._fullData || []).reduce((n, d) => n + ((d.x || []).length), 0))
        .reduce((a, b) => Math.max(a, b), 0),
    progress: [...document.querySelectorAll('[data-testid="stProgress"]')]
        .map(e => e.innerText).join(' '),
})"""


@pytest.mark.parametrize("lang", ["en", "es"])
def test_chart_updates_while_training(page: Page, app_url: str, lang: str) -> None:
    open_app(page, f"{app_url}/training?lang={lang}&train={WATCHED}")
    page.locator(".st-key-training_start button").click()
    # the run that trains has begun once its progress bar is drawn (a rerun queued before
    # the click, e.g. the link being written, may run first and end without training)
    page.wait_for_function("() => document.querySelector('[data-testid=stProgress]')")
    seen: list[dict] = []
    while True:
        sample = page.evaluate(SAMPLE)
        if sample["running"] != "running":
            break
        seen.append(sample)
        page.wait_for_timeout(50)
        assert len(seen) < 6000, "training did not end"
    lengths = {s["points"] for s in seen if s["points"]}
    texts = {s["progress"] for s in seen if s["progress"]}
    assert len(lengths) >= 2, f"chart points seen while running: {sorted(lengths)}"
    assert len(texts) >= 2, texts
    wait_idle(page)
    no_exception(page)
    screenshot(page, f"training-done-{lang}")
    assert healthy(app_url)
