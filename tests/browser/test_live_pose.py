"""Live pose in Chromium: a fake camera playing squat.bmp streams over WebRTC to the server,
MoveNet's annotated frames come back, and the live panel fills with FPS and keypoints.

Chromium's fake capture device plays a .y4m file; the test writes one from
../shared/data/pose/squat.bmp with numpy (no ffmpeg needed). A second Chromium is launched
with the media flags, so the shared browser keeps its default (no camera) behaviour.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest
from conftest import healthy, launch_chromium, no_exception, open_app, screenshot
from playwright.sync_api import Browser, Locator, Page, Playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from models.vision.images import decode_image

WIDTH, HEIGHT, FRAMES = 640, 480, 30
START = {"en": "Start", "es": "Empezar"}


def write_y4m(photo: Path, target: Path) -> Path:
    """A 1-second 640×480 I420 .y4m clip of the photo, the person sliding a little."""
    person = decode_image(photo.read_bytes())
    scale = HEIGHT * 0.9 / person.shape[0]
    person = cv2.resize(person, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    h, w = person.shape[:2]
    with target.open("wb") as out:
        out.write(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F{FRAMES}:1 Ip A1:1 C420jpeg\n".encode())
        for i in range(FRAMES):
            frame = np.full((HEIGHT, WIDTH, 3), 220, np.uint8)
            left = (WIDTH - w) // 2 + (i % 10) - 5
            frame[HEIGHT - h :, left : left + w] = person
            out.write(b"FRAME\n")
            out.write(cv2.cvtColor(frame, cv2.COLOR_RGB2YUV_I420).tobytes())
    return target


@pytest.fixture(scope="module")
def camera_browser(playwright: Playwright, shared, tmp_path_factory) -> Iterator[Browser]:
    clip = write_y4m(
        shared / "data" / "pose" / "squat.bmp", tmp_path_factory.mktemp("cam") / "squat.y4m"
    )
    browser = launch_chromium(
        playwright,
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={clip}",
    )
    yield browser
    browser.close()


STOP = {"en": "Stop", "es": "Parar"}
# The stream's own state, read from the <video> streamlit-webrtc shows: the server's frames are
# arriving when it has a size and its clock runs past half a second.
FRAMES_BACK = """(v, ms) => new Promise(resolve => {
    const until = performance.now() + ms;
    const check = () => (v.videoWidth > 0 && !v.paused && v.currentTime > 0.5) ? resolve(true)
        : performance.now() > until ? resolve(false) : requestAnimationFrame(check);
    check();
})"""


def start_stream(page: Page, lang: str, wait_s: float = 90) -> Locator:
    """Press Start and wait for annotated frames to play; a connection that does not come up
    in `wait_s` (a loaded machine) is stopped and started once more before the test fails."""
    frame = page.frame_locator("iframe[src*='webrtc']")
    for attempt in (1, 2):
        if attempt == 2:
            frame.get_by_role("button", name=STOP[lang]).click()
        frame.get_by_role("button", name=START[lang]).click()
        video = frame.locator("video").first
        try:
            video.wait_for(timeout=wait_s * 1000)
        except PlaywrightTimeout:
            continue
        if video.evaluate(FRAMES_BACK, wait_s * 1000):
            return video
    screenshot(page, "pose-live-no-frames")
    raise AssertionError(f"no annotated frames came back within {wait_s} s, twice")


def test_fake_camera_streams_annotated_frames_and_fills_the_panel(
    camera_browser: Browser, app_url: str
) -> None:
    context = camera_browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        page.set_default_timeout(90_000)
        open_app(page, f"{app_url}/pose?lang=en")
        video = start_stream(page, "en")
        size = video.evaluate("v => [v.videoWidth, v.videoHeight, v.paused]")
        assert size[0] > 0 and size[1] > 0 and size[2] is False, size
        panel = page.locator(".st-key-pose_live_panel")
        panel.locator("[data-testid='stDataFrame']").first.wait_for()
        # the panel refreshes twice a second: wait for a rate measured over two frames or more
        page.wait_for_function(
            """() => { const v = document.querySelector(
                    '.st-key-pose_live_panel [data-testid="stMetricValue"]');
                return v && parseFloat(v.innerText) > 0; }"""
        )
        fps = panel.locator("[data-testid='stMetricValue']").first.inner_text().strip()
        assert float(fps) > 0, fps
        no_exception(page)
        screenshot(page, "pose-live-en")
        # the annotated frame itself: the server drew on it, so it is not the plain photo
        pixels = video.evaluate(
            """v => { const c = document.createElement('canvas');
                c.width = v.videoWidth; c.height = v.videoHeight;
                const g = c.getContext('2d'); g.drawImage(v, 0, 0);
                const d = g.getImageData(0, 0, c.width, c.height).data;
                let coloured = 0;
                for (let i = 0; i < d.length; i += 4) {
                    const m = Math.max(d[i], d[i+1], d[i+2]), n = Math.min(d[i], d[i+1], d[i+2]);
                    if (m - n > 120) coloured++;
                }
                return coloured; }"""
        )
        assert pixels > 200, f"only {pixels} strongly coloured pixels: no skeleton drawn?"
        assert healthy(app_url)
    finally:
        context.close()
