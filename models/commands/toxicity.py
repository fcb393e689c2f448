"""`python -m models tokenize …` and `python -m models toxicity …`: the page's code, scriptable.

tokenize prints {"text", "ids"} per text (the ids TF.js's USE tokenizer gives); toxicity
prints per text the model's labels, each with its two probabilities and its match
(true / false / null under the threshold rule).
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator

from models.loading import load_model
from models.text.toxicity import COURSE_THRESHOLD, cap_text, check_texts, check_threshold, classify
from models.text.use_tokenizer import load_tokenizer


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser(
        "tokenize", parents=[common], help="Universal Sentence Encoder token ids of each text"
    )
    p.add_argument("texts", nargs="+", metavar="TEXT")
    p.add_argument("--vocab", metavar="FILE", help="a vocab.json (default: data set use-vocab)")
    p.set_defaults(func=run_tokenize)
    p = subparsers.add_parser(
        "toxicity", parents=[common], help="the TF.js toxicity model's 7 labels for each text"
    )
    p.add_argument("texts", nargs="+", metavar="TEXT")
    p.add_argument(
        "--threshold",
        type=float,
        default=COURSE_THRESHOLD,
        help=f"a label matches when max(p) exceeds it (default {COURSE_THRESHOLD}; TF.js: 0.85)",
    )
    p.set_defaults(func=run_toxicity)


def run_tokenize(args: argparse.Namespace) -> Iterator[dict]:
    tokenizer = load_tokenizer(args.vocab)
    for text in args.texts:
        yield {"text": text, "ids": tokenizer.encode(text)}


def run_toxicity(args: argparse.Namespace) -> Iterator[dict]:
    threshold = check_threshold(args.threshold)
    check_texts(args.texts)
    tokenizer = load_tokenizer()
    model = load_model("toxicity")
    results = classify(model, tokenizer, args.texts, threshold)
    for text, labels in zip(args.texts, results, strict=True):
        record = {"text": text, "threshold": threshold}
        if cap_text(text).capped:
            record["used_chars"] = len(cap_text(text).text)
        record["labels"] = {result.label: result.as_dict() for result in labels}
        yield record
