"""Teaching your own classes from the webcam (the course's rock-paper-scissors): the stream's
processor on real frames, bursts of distinct frames, and the head's guess on every frame."""

import threading
import time

import av
import cv2
import numpy as np
import pytest

from components.transfer_camera import add_frames
from components.transfer_stream import CameraSettings, TransferProcessor, frame_label
from models.vision.images import decode_image
from models.vision.transfer import (
    TRANSFER_MODELS,
    feature_extractor,
    head_function,
    head_probabilities,
    train_head,
)


@pytest.fixture(scope="module")
def photos(shared) -> dict[str, np.ndarray]:
    folder = shared / "data" / "images"
    return {
        name: cv2.resize(decode_image((folder / file).read_bytes()), (480, 360))
        for name, file in (("cat", "cat.jpg"), ("dog", "dog.bmp"))
    }


@pytest.fixture(scope="module")
def extractor():
    return feature_extractor(TRANSFER_MODELS[0])


@pytest.fixture(scope="module")
def head(extractor, photos):
    """A head that tells the cat from the dog, from shifted views of each."""
    views, targets = [], []
    for index, name in enumerate(("cat", "dog")):
        for shift in range(0, 60, 6):
            views.append(extractor.embed_photo(np.roll(photos[name], shift, axis=1)))
            targets.append(index)
    return train_head(np.stack(views), np.array(targets), 2, epochs=20)


def _video_frame(pixels: np.ndarray, pts: int = 0) -> av.VideoFrame:
    """A frame as WebRTC delivers it: yuv420p with a time stamp."""
    frame = av.VideoFrame.from_ndarray(pixels, format="rgb24").reformat(format="yuv420p")
    frame.pts = pts
    return frame


@pytest.mark.parametrize("choice", ["course", "dropout"])
def test_the_numpy_head_is_the_keras_head(choice, extractor, photos) -> None:
    embeddings = np.stack([extractor.embed_photo(photos[n]) for n in ("cat", "dog")])
    trained = train_head(embeddings, np.array([0, 1]), 2, head=choice, epochs=3)
    fast = head_function(trained)
    for embedding in embeddings:
        np.testing.assert_allclose(
            fast(embedding), head_probabilities(trained, embedding), rtol=1e-5, atol=1e-6
        )


def test_before_training_frames_come_back_mirrored_and_the_newest_is_kept(
    extractor, photos
) -> None:
    proc = TransferProcessor()
    proc.configure(CameraSettings(extractor))
    frame = _video_frame(photos["cat"])
    sent = frame.to_ndarray(format="rgb24")
    back = proc.callback(frame).to_ndarray(format="rgb24")
    np.testing.assert_array_equal(back, sent[:, ::-1])  # the mirror only: nothing drawn
    number, kept = proc.newest()
    assert number == 1
    np.testing.assert_array_equal(kept, sent)  # as the camera took it, not mirrored
    assert proc.latest().probabilities is None


def test_after_training_each_frame_gets_the_head_s_guess_drawn(extractor, photos, head) -> None:
    proc = TransferProcessor()
    proc.configure(CameraSettings(extractor, head_function(head), ("Cat", "Dog")))
    for name, index in (("cat", 0), ("dog", 1)):
        frame = _video_frame(photos[name])
        sent = frame.to_ndarray(format="rgb24")
        back = proc.callback(frame).to_ndarray(format="rgb24")
        result = proc.latest()
        expected = head_function(head)(extractor.embed_photo(sent))
        np.testing.assert_allclose(result.probabilities, expected, rtol=1e-5)
        assert int(result.probabilities.argmax()) == index, (name, result.probabilities)
        assert result.names == ("Cat", "Dog") and result.embed_ms > 0
        band = back[:30].astype(int)
        assert band.mean() < sent[:30].mean() - 20  # the dark band with the guess on it
        assert (band > 200).any()  # and its white letters
        np.testing.assert_array_equal(back[80:], sent[80:, ::-1])  # the rest: only mirrored


def test_names_opencv_cannot_write_are_drawn_as_numbers() -> None:
    assert frame_label(("Rock", "Paper"), 1) == "Paper"
    assert frame_label(("Камень", "Tijera"), 0) == "#1"
    assert frame_label(("Piedra", "Tijeras ✂"), 1) == "#2"


def _pump(proc: TransferProcessor, photos: dict, frames: int, every_s: float) -> threading.Thread:
    """A camera in a thread: `frames` frames, each slid 4 pixels further than the last."""

    def run() -> None:
        for i in range(frames):
            proc.callback(_video_frame(np.roll(photos["cat"], 4 * i, axis=1), pts=i))
            time.sleep(every_s)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_a_burst_takes_each_new_frame_once(extractor, photos) -> None:
    proc = TransferProcessor()
    proc.configure(CameraSettings(extractor))
    camera = _pump(proc, photos, 40, 0.02)
    while proc.newest()[0] == 0:
        time.sleep(0.01)
    taken = list(proc.frames_after(proc.newest()[0] - 1, 8))
    camera.join()
    assert len(taken) == 8
    assert len({frame.tobytes() for frame in taken}) == 8  # eight different frames


def test_adding_frames_to_a_class_and_a_camera_that_sends_nothing(extractor, photos) -> None:
    state = {"examples": {}, "thumbs": {}}
    proc = TransferProcessor()
    proc.configure(CameraSettings(extractor))
    assert add_frames(state, 0, proc, 1, extractor) == 0  # no stream: nothing, and says so
    assert state["examples"] == {}
    camera = _pump(proc, photos, 30, 0.02)
    while proc.newest()[0] == 0:
        time.sleep(0.01)
    assert add_frames(state, 1, proc, 5, extractor) == 5
    camera.join()
    assert len(state["examples"][1]) == 10 and len(state["thumbs"][1]) == 5  # + mirror images
    assert list(proc.frames_after(proc.newest()[0], 3, wait_s=0.3)) == []  # the camera stopped


def test_the_camera_tfjs_code_is_the_course_s_loop_and_leaks_no_tensor(tmp_path) -> None:
    """The course's RPSDataset (tf.keep, concat, dispose) and predict loop (tf.tidy,
    tf.nextFrame) run in TensorFlow.js: one embedding row per click, and the tensor count
    stays flat over the frames predicted (the course's memory lesson)."""
    import json
    import shutil
    import subprocess
    from pathlib import Path

    from models.vision.transfer_code import camera_tfjs_code

    code = camera_tfjs_code()
    for line in ("dataset.xs = tf.keep(oldX.concat(example, 0));", "await tf.nextFrame();"):
        assert line in code, line
    tfjs = Path(__file__).resolve().parent / "tfjs"
    node = shutil.which("node")
    if node is None or not (tfjs / "node_modules" / "@tensorflow" / "tfjs").is_dir():
        pytest.fail("Node.js and `npm install --prefix tests/tfjs` are needed for TF.js checks")
    (tmp_path / "code.js").write_text(code)
    (tmp_path / "in.json").write_text(json.dumps({"adds": 6, "frames": 50}))
    done = subprocess.run(
        [
            node,
            str(tfjs / "run_camera_code.js"),
            str(tmp_path / "code.js"),
            str(tmp_path / "in.json"),
        ],
        cwd=tfjs,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout)
    assert result["xs"] == [6, 12] and result["labels"] == [0, 1, 2, 0, 1, 2]
    assert result["afterAdds"] == result["before"] + 1  # the dataset's one kept tensor
    assert result["afterPredict"] == result["afterAdds"] and result["frames"] == 50
    assert result["prediction"].split()[-1] in ("Rock", "Paper", "Scissors")
