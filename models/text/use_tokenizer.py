"""The Universal Sentence Encoder tokenizer of TF.js, ported to Python piece by piece.

The toxicity model was trained on ids from this tokenizer, so any other tokenizer (even a
"better" SentencePiece build) would feed it ids it never saw. This is a faithful port of
tfjs-models `universal-sentence-encoder/src/tokenizer/` (index.ts, trie.ts, util.ts):

- the text is NFKC-normalised, every ASCII space becomes "▁" and one "▁" is put in front
  (an empty text stays empty);
- the text is split into code points (`for (const symbol of input)` in JS);
- a trie over the vocabulary, without its first six reserved entries (unknown, <s>, </s>
  and three extra ids), lists every piece that starts at each position; a position where
  no piece starts gets the unknown piece (id 0, score 0) of one symbol;
- a Viterbi pass keeps, for each end position, the best total score, with the JS rule
  "replace when the best so far is exactly 0 or the new score is >= it" (ties go to the
  later start);
- the backward pass walks from the end by the length of each chosen piece, and runs of
  unknown ids are merged into one 0.

Vocabulary scores that are JSON `null` (":", "://", "▁:)" … in the real file) count as 0,
as `null + number` does in JS.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path

from models.errors import BadInput
from models.store.files import dataset_path
from models.store.locate import Progress

SEPARATOR = "\u2581"  # "▁", lower one eighth block: SentencePiece's word boundary
RESERVED_SYMBOLS = 6
UNKNOWN_ID = 0

Vocabulary = Sequence[tuple[str, float | None]]


def process_input(text: str) -> str:
    """NFKC, spaces to "▁" and a leading "▁", as `processInput` in index.ts."""
    normalized = unicodedata.normalize("NFKC", text)
    return SEPARATOR + normalized.replace(" ", SEPARATOR) if normalized else normalized


class _Node:
    """A trie node: children by symbol, and the piece that ends here (if any)."""

    __slots__ = ("children", "index", "score")

    def __init__(self) -> None:
        self.children: dict[str, _Node] = {}
        self.index: int | None = None
        self.score = 0.0


class Trie:
    """Prefix tree over the vocabulary pieces, keyed by code point (trie.ts)."""

    def __init__(self) -> None:
        self._root = _Node()

    def insert(self, piece: str, score: float, index: int) -> None:
        node = self._root
        for symbol in piece:
            node = node.children.setdefault(symbol, _Node())
        node.index, node.score = index, score

    def common_prefix_search(
        self, symbols: Sequence[str], start: int
    ) -> list[tuple[int, float, int]]:
        """(length, score, id) of every piece that begins `symbols[start:]`, shortest first.

        With no match at all, the unknown piece: one symbol long, score 0, id 0.
        """
        matches = []
        node = self._root.children.get(symbols[start])
        position = start
        while node is not None:
            if node.index is not None:
                matches.append((position - start + 1, node.score, node.index))
            position += 1
            if position == len(symbols):
                break
            node = node.children.get(symbols[position])
        return matches or [(1, 0.0, UNKNOWN_ID)]


class Tokenizer:
    """Text → USE token ids, exactly as `Tokenizer.encode` of TF.js computes them."""

    def __init__(self, vocabulary: Vocabulary, reserved: int = RESERVED_SYMBOLS) -> None:
        if len(vocabulary) <= reserved:
            raise BadInput(
                f"A vocabulary needs more than {reserved} entries; this one has {len(vocabulary)}.",
                code="toxicity_bad_vocab",
                detail=f"{len(vocabulary)} entries",
            )
        self.pieces = [piece for piece, _ in vocabulary]
        self._trie = Trie()
        for index in range(reserved, len(vocabulary)):
            piece, score = vocabulary[index]
            self._trie.insert(piece, float(score or 0.0), index)

    def __len__(self) -> int:
        return len(self.pieces)

    def encode(self, text: str) -> list[int]:
        """The token ids of `text`; [] for an empty text."""
        symbols = list(process_input(text))
        count = len(symbols)
        ends: list[list[tuple[int, float, int]]] = [[] for _ in range(count + 1)]
        for start in range(count):
            for length, score, index in self._trie.common_prefix_search(symbols, start):
                ends[start + length].append((start, score, index))
        best = [0.0] * (count + 1)
        words = [UNKNOWN_ID] * (count + 1)
        for end in range(count + 1):
            # Entries were added by ascending start, the order JS's `for (startPos in …)` takes.
            for start, score, index in ends[end]:
                total = score + best[start]
                if best[end] == 0 or total >= best[end]:
                    best[end], words[end] = total, index
        backward = []
        position = count
        while position > 0:
            backward.append(words[position])
            position -= len(self.pieces[words[position]])
        return _merge_unknowns(backward)[::-1]

    def pieces_of(self, ids: Iterable[int]) -> list[str]:
        """The vocabulary piece of each id, for showing how a text was cut."""
        return [self.pieces[i] for i in ids]


def _merge_unknowns(ids: list[int]) -> list[int]:
    """Runs of the unknown id collapse into one, as "Merge consecutive unks" in index.ts."""
    merged = []
    previous_unknown = False
    for token in ids:
        if not (previous_unknown and token == UNKNOWN_ID):
            merged.append(token)
        previous_unknown = token == UNKNOWN_ID
    return merged


def parse_vocabulary(raw: object, source: str) -> list[tuple[str, float | None]]:
    """[[piece, score], …] checked entry by entry; a clear BadInput instead of a TypeError."""
    if not isinstance(raw, list):
        raise BadInput(
            f"{source} is not a vocabulary: expected a JSON list of [piece, score] pairs.",
            code="toxicity_bad_vocab",
            detail=source,
        )
    vocabulary = []
    for entry in raw:
        valid = (
            isinstance(entry, list)
            and len(entry) == 2
            and isinstance(entry[0], str)
            and (entry[1] is None or isinstance(entry[1], int | float))
        )
        if not valid:
            raise BadInput(
                f"{source}: entry {len(vocabulary)} is {entry!r}, not a [piece, score] pair.",
                code="toxicity_bad_vocab",
                detail=f"{source}, entry {len(vocabulary)}",
            )
        vocabulary.append((entry[0], entry[1]))
    return vocabulary


def read_vocabulary(path: Path | str) -> list[tuple[str, float | None]]:
    """The [piece, score] pairs of a vocab.json file, null scores kept as None."""
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise BadInput(
            f"Cannot read the vocabulary {path}: {exc}",
            code="toxicity_bad_vocab",
            detail=str(path),
        ) from exc
    return parse_vocabulary(raw, str(path))


@cache
def _tokenizer_for(path: Path) -> Tokenizer:
    return Tokenizer(read_vocabulary(path))


def load_tokenizer(vocab: Path | str | None = None, progress: Progress | None = None) -> Tokenizer:
    """The tokenizer over `vocab` (default: data set "use-vocab"), built once per process.

    Building the trie of 8,000 pieces takes a few tens of milliseconds; afterwards the
    tokenizer is read-only, so every session and thread can share it.
    """
    path = Path(vocab) if vocab is not None else dataset_path("use-vocab", progress)
    return _tokenizer_for(path.expanduser().resolve())
