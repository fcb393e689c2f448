"""The TF.js weightsManifest codec: dtypes, quantization, sharding, broken shards."""

import json

import numpy as np
import pytest

from models.errors import ModelFormatError
from models.formats.tfjs_weights import affine_range, read_weights, write_weights

RNG = np.random.default_rng(7)


def _sample() -> list[tuple[str, np.ndarray]]:
    return [
        ("dense/kernel", RNG.normal(size=(8, 5)).astype(np.float32)),
        ("dense/bias", RNG.uniform(0.5, 2.0, size=(5,)).astype(np.float32)),
        ("ids", np.arange(-3, 9, dtype=np.int32).reshape(3, 4)),
        ("mask", np.array([True, False, True])),
        ("scalar", np.float32(3.25)),
    ]


def test_plain_round_trip_keeps_every_dtype_exactly(tmp_path) -> None:
    weights = _sample() + [("labels", np.array([b"toxic", "señal".encode()], dtype=object))]
    manifest = write_weights(weights, tmp_path)
    assert manifest[0]["paths"] == ["group1-shard1of1.bin"]
    read = read_weights(tmp_path, json.loads(json.dumps(manifest)))
    assert list(read) == [name for name, _ in weights]
    for name, original in weights:
        assert read[name].shape == np.shape(original), name
        assert np.array_equal(read[name], original), name
    assert read["ids"].dtype == np.int32
    assert read["mask"].dtype == np.bool_
    assert list(read["labels"]) == [b"toxic", "señal".encode()]


def test_manifest_entries_look_like_the_converters(tmp_path) -> None:
    manifest = write_weights(_sample(), tmp_path, quantize="uint8")
    kernel = manifest[0]["weights"][0]
    assert kernel["name"] == "dense/kernel"
    assert kernel["shape"] == [8, 5]
    assert kernel["dtype"] == "float32"
    assert kernel["quantization"]["dtype"] == "uint8"
    assert {"scale", "min"} <= set(kernel["quantization"])
    ids = manifest[0]["weights"][2]
    assert ids["dtype"] == "int32" and "quantization" not in ids
    expected = 8 * 5 + 5 + 12 * 4 + 3 + 1  # uint8 floats, int32 ids, bool mask
    assert (tmp_path / "group1-shard1of1.bin").stat().st_size == expected


def test_float16_dequantization_is_exact(tmp_path) -> None:
    values = RNG.normal(scale=3.0, size=(64,)).astype(np.float32)
    manifest = write_weights([("w", values)], tmp_path, quantize="float16")
    assert manifest[0]["weights"][0]["quantization"] == {
        "dtype": "float16",
        "original_dtype": "float32",
    }
    assert (tmp_path / "group1-shard1of1.bin").stat().st_size == 64 * 2
    read = read_weights(tmp_path, manifest)["w"]
    assert read.dtype == np.float32
    # Every float16 is a float32: widening must be bit-exact, not approximately equal.
    assert np.array_equal(read, values.astype(np.float16).astype(np.float32))
    assert not np.array_equal(read, values)  # it really was stored at half precision


def test_float16_reads_hand_written_bytes(tmp_path) -> None:
    """Bytes written without our writer, as TF.js stores them: 1.0, -2.0, 65504, 2**-24."""
    raw = np.array([0x3C00, 0xC000, 0x7BFF, 0x0001], dtype="<u2").tobytes()
    (tmp_path / "w.bin").write_bytes(raw)
    entry = {"name": "w", "shape": [4], "dtype": "float32"}
    entry["quantization"] = {"dtype": "float16", "original_dtype": "float32"}
    read = read_weights(tmp_path, [{"paths": ["w.bin"], "weights": [entry]}])["w"]
    assert read.tolist() == [1.0, -2.0, 65504.0, 2.0**-24]


@pytest.mark.parametrize("dtype", ["uint8", "uint16"])
def test_affine_quantization_within_half_a_step(tmp_path, dtype) -> None:
    values = RNG.uniform(-1.5, 4.0, size=(40, 30)).astype(np.float32)
    manifest = write_weights([("w", values)], tmp_path, quantize=dtype)
    quantization = manifest[0]["weights"][0]["quantization"]
    scale = quantization["scale"]
    assert scale == pytest.approx(5.5 / np.iinfo(dtype).max, rel=0.01)
    read = read_weights(tmp_path, manifest)["w"]
    assert read.dtype == np.float32
    error = np.abs(read - values)
    assert error.max() <= scale / 2 + 1e-6
    assert error.max() > 0  # lossy: a broken writer that stored float32 would not pass this
    assert (tmp_path / "group1-shard1of1.bin").stat().st_size == values.size * (
        1 if dtype == "uint8" else 2
    )


def test_affine_range_keeps_zero_exact(tmp_path) -> None:
    values = np.array([-0.3, 0.0, 0.1, 0.77], dtype=np.float32)
    scale, low = affine_range(values, "uint8")
    assert round(-low / scale) == pytest.approx(-low / scale, abs=1e-9)
    manifest = write_weights([("w", values)], tmp_path, quantize="uint8")
    assert read_weights(tmp_path, manifest)["w"][1] == 0.0


def test_dequantization_formula_matches_tfjs(tmp_path) -> None:
    """TF.js computes q * scale + min in double precision and stores float32."""
    (tmp_path / "q.bin").write_bytes(bytes([0, 1, 128, 255]))
    quantization = {"dtype": "uint8", "scale": 0.1, "min": -1.0}
    entry = {"name": "q", "shape": [2, 2], "dtype": "float32", "quantization": quantization}
    read = read_weights(tmp_path, [{"paths": ["q.bin"], "weights": [entry]}])["q"]
    expected = np.float32([-1.0, -1.0 + 0.1, 128 * 0.1 - 1.0, 255 * 0.1 - 1.0]).reshape(2, 2)
    assert np.array_equal(read, expected)


def test_empty_weights_round_trip(tmp_path) -> None:
    weights = [("none", np.zeros((0, 3), np.float32)), ("after", np.float32([1.5, -2]))]
    manifest = write_weights(weights, tmp_path, quantize="uint8")
    read = read_weights(tmp_path, manifest)
    assert read["none"].shape == (0, 3)
    np.testing.assert_allclose(read["after"], [1.5, -2], atol=3.5 / 255)


def test_constant_weight_quantizes_exactly(tmp_path) -> None:
    values = np.full((10,), 0.625, dtype=np.float32)
    manifest = write_weights([("c", values)], tmp_path, quantize="uint8")
    assert np.array_equal(read_weights(tmp_path, manifest)["c"], values)


def test_shards_split_at_the_byte_cap_and_reassemble_in_order(tmp_path) -> None:
    big = RNG.normal(size=(1000,)).astype(np.float32)  # 4000 bytes
    small = np.arange(10, dtype=np.int32)  # 40 bytes
    manifest = write_weights([("big", big), ("small", small)], tmp_path, shard_bytes=1024)
    paths = manifest[0]["paths"]
    assert paths == [f"group1-shard{i}of4.bin" for i in range(1, 5)]
    sizes = [(tmp_path / p).stat().st_size for p in paths]
    assert sizes == [1024, 1024, 1024, 4040 - 3 * 1024]
    read = read_weights(tmp_path, manifest)
    assert np.array_equal(read["big"], big)
    assert np.array_equal(read["small"], small)


def test_default_cap_is_four_megabytes(tmp_path) -> None:
    values = np.zeros((1024 * 1024 + 10,), dtype=np.float32)  # just over 4 MiB
    manifest = write_weights([("w", values)], tmp_path)
    sizes = [(tmp_path / p).stat().st_size for p in manifest[0]["paths"]]
    assert sizes == [4 * 1024 * 1024, 40]


def test_missing_shard_is_named(tmp_path) -> None:
    manifest = write_weights(_sample(), tmp_path, shard_bytes=64)
    victim = manifest[0]["paths"][1]
    (tmp_path / victim).unlink()
    with pytest.raises(ModelFormatError) as caught:
        read_weights(tmp_path, manifest)
    assert caught.value.code == "tfjs_missing_shard"
    assert caught.value.params["file"] == victim
    assert victim in caught.value.message


def test_short_shard_names_file_and_sizes(tmp_path) -> None:
    manifest = write_weights(_sample(), tmp_path)
    shard = tmp_path / "group1-shard1of1.bin"
    full = shard.stat().st_size
    shard.write_bytes(shard.read_bytes()[:-7])
    with pytest.raises(ModelFormatError) as caught:
        read_weights(tmp_path, manifest)
    error = caught.value
    assert error.code == "tfjs_short_shard"
    assert error.params["expected"] == full and error.params["actual"] == full - 7
    assert "group1-shard1of1.bin" in error.message
    assert str(full) in error.message and str(full - 7) in error.message


def test_long_shard_is_an_error_too(tmp_path) -> None:
    manifest = write_weights(_sample(), tmp_path)
    shard = tmp_path / "group1-shard1of1.bin"
    shard.write_bytes(shard.read_bytes() + b"\0\0\0\0")
    with pytest.raises(ModelFormatError) as caught:
        read_weights(tmp_path, manifest)
    assert caught.value.code == "tfjs_long_shard"


def test_truncated_string_weight(tmp_path) -> None:
    manifest = write_weights([("s", np.array([b"abcdef"], dtype=object))], tmp_path)
    shard = tmp_path / "group1-shard1of1.bin"
    shard.write_bytes(shard.read_bytes()[:-2])
    with pytest.raises(ModelFormatError) as caught:
        read_weights(tmp_path, manifest)
    assert caught.value.code == "tfjs_short_shard"
    assert caught.value.params["file"] == "group1-shard1of1.bin"


@pytest.mark.parametrize(
    ("manifest", "code"),
    [
        ([{"paths": ["../escape.bin"], "weights": []}], "tfjs_bad_shard_path"),
        ([{"weights": []}], "tfjs_bad_manifest"),
        ([{"paths": [3], "weights": []}], "tfjs_bad_manifest"),
        ([{"paths": ["a.bin"], "weights": ["x"]}], "tfjs_bad_manifest"),
        ("not a list", "tfjs_bad_manifest"),
        (
            [{"paths": ["a.bin"], "weights": [{"name": "x", "shape": [1], "dtype": "int8"}]}],
            "tfjs_bad_dtype",
        ),
        (
            [
                {
                    "paths": ["a.bin"],
                    "weights": [
                        {
                            "name": "x",
                            "shape": [1],
                            "dtype": "float32",
                            "quantization": {"dtype": "uint8"},
                        }
                    ],
                }
            ],
            "tfjs_bad_quantization",
        ),
        (
            [
                {
                    "paths": ["a.bin"],
                    "weights": [
                        {"name": "x", "shape": [1], "dtype": "float32", "quantization": "uint8"}
                    ],
                }
            ],
            "tfjs_bad_quantization",
        ),
        (
            [
                {
                    "paths": ["a.bin"],
                    "weights": [
                        {
                            "name": "x",
                            "shape": [4],
                            "dtype": "float32",
                            "quantization": {"dtype": "uint8", "scale": "big", "min": 0},
                        }
                    ],
                }
            ],
            "tfjs_bad_quantization",
        ),
        (
            [
                {
                    "paths": ["a.bin"],
                    "weights": [
                        {
                            "name": "x",
                            "shape": [1],
                            "dtype": "float32",
                            "quantization": {"dtype": "int32"},
                        }
                    ],
                }
            ],
            "tfjs_bad_quantization",
        ),
    ],
)
def test_malformed_manifests(tmp_path, manifest, code) -> None:
    (tmp_path / "a.bin").write_bytes(b"\0\0\0\0")
    with pytest.raises(ModelFormatError) as caught:
        read_weights(tmp_path, manifest)
    assert caught.value.code == code


@pytest.mark.parametrize("shape", [[-1], [2, "3"], "4", [True]])
def test_shapes_must_be_sizes(tmp_path, shape) -> None:
    (tmp_path / "a.bin").write_bytes(b"\0" * 16)
    entry = {"name": "x", "shape": shape, "dtype": "float32"}
    with pytest.raises(ModelFormatError) as caught:
        read_weights(tmp_path, [{"paths": ["a.bin"], "weights": [entry]}])
    assert caught.value.code == "tfjs_bad_manifest"


def test_huge_shape_is_caught_before_reading(tmp_path) -> None:
    (tmp_path / "a.bin").write_bytes(b"\0" * 16)
    entry = {"name": "x", "shape": [100000, 100000], "dtype": "float32"}
    with pytest.raises(ModelFormatError) as caught:
        read_weights(tmp_path, [{"paths": ["a.bin"], "weights": [entry]}])
    assert caught.value.code == "tfjs_short_shard"


def test_real_movenet_manifest_decodes(shared) -> None:
    folder = shared / "models" / "movenet-singlepose-lightning"
    manifest = json.loads((folder / "model.json").read_text())["weightsManifest"]
    weights = read_weights(folder, manifest)
    entries = manifest[0]["weights"]
    assert len(weights) == len(entries)
    for entry in entries:
        array = weights[entry["name"]]
        assert list(array.shape) == entry["shape"]
        assert array.dtype == np.dtype(entry["dtype"])
        assert np.all(np.isfinite(array)) if array.dtype.kind == "f" else True
