"""A fake camera for browser tests: a .y4m clip Chromium plays as its webcam, and pressing
streamlit-webrtc's Start until the server's annotated frames come back.

Chromium's fake capture device plays a .y4m file; `write_y4m` writes one from a photo with
numpy (no ffmpeg needed). A second Chromium is launched with the media flags, so the shared
browser keeps its default (no camera) behaviour.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
from conftest import launch_chromium, screenshot
from playwright.sync_api import Browser, Locator, Page, Playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from models.vision.images import decode_image

WIDTH, HEIGHT, FRAMES = 640, 480, 30
START = {"en": "Start", "es": "Empezar"}


def write_y4m(photo: Path | np.ndarray, target: Path) -> Path:
    """A 1-second 640×480 I420 .y4m clip of the photo, the person sliding a little."""
    person = decode_image(photo.read_bytes()) if isinstance(photo, Path) else photo
    scale = min(HEIGHT * 0.9 / person.shape[0], WIDTH * 0.95 / person.shape[1])
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


def camera(playwright: Playwright, clip: Path) -> Browser:
    """A Chromium whose webcam plays `clip`, with camera permission granted."""
    return launch_chromium(
        playwright,
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={clip}",
    )


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


# Counts, in the frame the <video> shows, the pixels for which `match(r, g, b)` holds; polls
# frames for up to `ms` and answers the largest count seen (a frame can be caught mid-decode
# or between the stream's renegotiations: one frame alone is no verdict).
MATCHING_PIXELS = """(v, [match, want, ms]) => new Promise(resolve => {
    const test = new Function('r', 'g', 'b', 'return ' + match);
    const c = document.createElement('canvas');
    const until = performance.now() + ms;
    let best = 0;
    const sample = () => {
        c.width = v.videoWidth; c.height = v.videoHeight;
        const x = c.getContext('2d'); x.drawImage(v, 0, 0);
        const d = x.getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 0; i < d.length; i += 4) if (test(d[i], d[i+1], d[i+2])) n++;
        best = Math.max(best, n / (d.length / 4));
        if (best >= want || performance.now() > until) resolve(best);
        else setTimeout(sample, 200);
    };
    sample();
})"""


def restart_stream(page: Page, lang: str) -> Locator:
    """Stop the stream if it still claims to play, and start it again."""
    frame = page.frame_locator("iframe[src*='webrtc']")
    stop = frame.get_by_role("button", name=STOP[lang])
    if stop.count():
        stop.click()
    frame.get_by_role("button", name=START[lang]).wait_for()
    return start_stream(page, lang)


def wait_live(page: Page, lang: str, predicate: str, wait_s: float = 90) -> None:
    """Wait until the JS `predicate` holds on the page (the live panel's numbers); a stream
    that froze or dropped first (see `matching_share`) is started once more."""
    for attempt in (1, 2):
        try:
            page.wait_for_function(predicate, timeout=wait_s * 1000)
            return
        except PlaywrightTimeout:
            if attempt == 2:
                raise
            restart_stream(page, lang)


def matching_share(
    page: Page, lang: str, video: Locator, match: str, want: float, wait_s: float = 30
) -> float:
    """The largest share of a frame's pixels for which the JS expression `match` (of r, g, b)
    holds, over frames polled until it reaches `want` or `wait_s` pass.

    A stream that dropped on a loaded machine (the <video> gone) or froze (streamlit-webrtc
    ends its worker for good after one frame slower than 10 s, and the picture stops) is
    started once more before the answer: a build that draws nothing fails both times."""
    share = 0.0
    for attempt in (1, 2):
        if attempt == 2:
            video = restart_stream(page, lang)
        try:
            share = video.evaluate(
                MATCHING_PIXELS, [match, want, wait_s * 1000], timeout=(wait_s + 30) * 1000
            )
        except PlaywrightTimeout:
            share = 0.0
        if share >= want:
            break
    return share
