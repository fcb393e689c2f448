"""The USE tokenizer port against the real vocabulary and against TF.js's own test cases.

Expected ids were checked by hand against the pieces of ../shared/data/use-vocab/vocab.json
and agree with @tensorflow-models/universal-sentence-encoder 1.3.3 run in Node on the same
vocabulary (3,038 texts compared, no difference).
"""

import unicodedata

import pytest

from models.errors import BadInput
from models.text.use_tokenizer import (
    SEPARATOR,
    Tokenizer,
    load_tokenizer,
    parse_vocabulary,
    process_input,
    read_vocabulary,
)

# tfjs-models universal-sentence-encoder/src/test_util.ts: note "i" twice (ids 18 and 21).
STUB_VOCAB = [
    ["�", 0], ["<s>", 0], ["</s>", 0], ["extra_token_id_1", 0], ["extra_token_id_2", 0],
    ["extra_token_id_3", 0], ["▁", -2], ["▁a", -1], ["▁ç", -2], ["a", -3], [".", -1],
    ["▁I", -1], ["▁like", -1], ["▁it", -1], ["I", -2], ["like", -2], ["it", -2], ["l", -3],
    ["i", -3], ["k", -3], ["e", -3], ["i", -3], ["t", -3],
]  # fmt: skip


@pytest.fixture(scope="module")
def real(shared) -> Tokenizer:
    return load_tokenizer(shared / "data" / "use-vocab" / "vocab.json")


@pytest.fixture(scope="module")
def stub() -> Tokenizer:
    return Tokenizer(parse_vocabulary(STUB_VOCAB, "stub"))


def test_tfjs_own_cases_on_the_stub_vocabulary(stub: Tokenizer) -> None:
    assert stub.encode("Ilikeit.") == [11, 15, 16, 10]
    assert stub.encode("I like it.") == [11, 12, 13, 10]
    assert stub.encode("ça") == stub.encode("c\u0327a")
    assert stub.encode("a😹😹") == [7, 0]
    # The later duplicate "i" (21) wins in the trie, as in trie.ts.
    assert stub.encode("Ii") == [11, 21]


def test_process_input_marks_word_starts() -> None:
    assert process_input("") == ""
    assert process_input("a b") == f"{SEPARATOR}a{SEPARATOR}b"
    assert process_input(" ") == SEPARATOR * 2
    # NFKC: no-break space becomes a space, full-width letters plain letters.
    assert process_input("a\u00a0Ｂ") == f"{SEPARATOR}a{SEPARATOR}B"
    # Tabs and newlines are not spaces for the tokenizer.
    assert process_input("a\tb\nc") == f"{SEPARATOR}a\tb\nc"


@pytest.mark.parametrize(
    ("text", "pieces", "ids"),
    [
        ("Hello world", ["▁H", "ello", "▁world"], [341, 4125, 311]),
        ("Hello, world!", ["▁H", "ello", ",", "▁world", "!"], [341, 4125, 8, 311, 78]),
        ("I will kill you", ["▁I", "▁will", "▁kill", "▁you"], [16, 49, 1293, 19]),
        ("I like it.", ["▁I", "▁like", "▁it", "."], [16, 60, 21, 6]),
        # Spaces: each extra space is a lone "▁", leading and trailing ones too.
        (" ", ["▁", "▁"], [30, 30]),
        ("  leading  ", ["▁", "▁", "▁leading", "▁", "▁"], [30, 30, 2428, 30, 30]),
        # Accents: composed and decomposed forms give the same ids after NFKC.
        ("café", ["▁ca", "f", "é"], [976, 209, 1133]),
        ("cafe\u0301", ["▁ca", "f", "é"], [976, 209, 1133]),
        ("ça", ["▁", "ç", "a"], [30, 6801, 86]),
        ("c\u0327a", ["▁", "ç", "a"], [30, 6801, 86]),
        # Null scores in the vocabulary (":" …) count as 0 and still tokenize.
        ("You are a :) person", ["▁You", "▁are", "▁a", "▁:)", "▁person"], [110, 31, 11, 658, 362]),
        # NFKC folds compatibility characters: full width, ligatures, superscripts.
        ("ＦＵＬＬ ｗｉｄｔｈ", ["▁F", "UL", "L", "▁width"], [189, 4664, 277, 7916]),
        ("x²", ["▁x", "2"], [649, 288]),
        # A long word is cut into the best-scoring pieces.
        (
            "supercalifragilisticexpialidocious",
            ["▁super", "cal", "if", "ra", "g", "il", "istic", "exp", "ial", "id", "o", "cious"],
            [1050, 2817, 928, 276, 143, 233, 2098, 6489, 983, 303, 102, 2907],
        ),
        ("eres un idiota", ["▁e", "re", "s", "▁un", "▁idiot", "a"], [299, 53, 7, 228, 4583, 86]),
    ],
)
def test_real_vocabulary_hand_checked(real: Tokenizer, text, pieces, ids) -> None:
    assert real.encode(text) == ids
    assert real.pieces_of(ids) == pieces


@pytest.mark.parametrize(
    ("text", "ids"),
    [
        ("", []),
        # Unknown characters: one 0 for a whole run of them.
        ("😹", [30, 0]),
        ("a😹😹", [11, 0]),
        ("hi 😀 there 👍🏽", [2038, 30, 0, 92, 30, 0]),
        ("你好世界", [30, 0]),
        ("שלום", [30, 0]),
        ("\u200b\u200d", [30, 0]),
        # Control characters are unknown too; the words around them survive.
        ("tab\there", [5520, 0, 586, 53]),
        ("line\nbreak", [579, 0, 4551]),
        ("nul\x00char", [1440, 139, 0, 5757]),
        # Mixed scripts: Cyrillic and Arabic letters the vocabulary knows, and ones it does not.
        (
            "Привет, как дела?",
            [30, 0, 7976, 7955, 0, 7954, 7949, 8, 30, 0, 7950, 0, 30, 0, 7954, 0, 7950, 54],
        ),
        ("مرحبا بالعالم", [30, 7982, 0, 7940, 30, 0, 7940, 7952, 0, 7940, 7952, 7982]),
    ],
)
def test_unknowns_empty_and_other_scripts(real: Tokenizer, text, ids) -> None:
    assert real.encode(text) == ids


def test_no_two_unknowns_in_a_row_and_ids_in_range(real: Tokenizer) -> None:
    text = "😀😀 x 你好 \x01\x02 é\u0301\u0301 ".join(["mixed Привет"] * 20)
    ids = real.encode(text)
    assert ids and all(0 <= i < len(real) for i in ids)
    assert all(not (a == 0 and b == 0) for a, b in zip(ids, ids[1:], strict=False))
    assert not {1, 2, 3, 4, 5} & set(ids), "reserved ids are never produced"


def test_pieces_rebuild_the_normalised_text_when_all_known(real: Tokenizer) -> None:
    text = "The quick brown fox jumps over the lazy dog, twice!"
    pieces = real.pieces_of(real.encode(text))
    assert "".join(pieces) == process_input(text)
    assert unicodedata.is_normalized("NFKC", "".join(pieces))


def test_long_text_is_linear_enough(real: Tokenizer) -> None:
    ids = real.encode("word " * 2000)
    assert len(ids) == 2001  # "▁word" × 2000 and the trailing "▁"


def test_real_vocabulary_file_is_read_with_null_scores(shared) -> None:
    vocabulary = read_vocabulary(shared / "data" / "use-vocab" / "vocab.json")
    assert len(vocabulary) == 8000
    assert vocabulary[57] == (":", None)
    assert vocabulary[0][0] == "�"


def test_bad_vocabularies_are_bad_input(tmp_path) -> None:
    for content in ["{}", "[[1, 2]]", '[["a", "b"]]', "not json", "[]"]:
        path = tmp_path / "vocab.json"
        path.write_text(content, encoding="utf-8")
        with pytest.raises(BadInput) as caught:
            Tokenizer(read_vocabulary(path))
        assert caught.value.code == "toxicity_bad_vocab"
    with pytest.raises(BadInput):
        read_vocabulary(tmp_path / "missing.json")


def test_default_vocabulary_comes_from_the_data_set(real: Tokenizer) -> None:
    assert load_tokenizer() is real  # the mirror points at ../shared: same file, same object
