"""Rebuild the eval corpus: `python -m evals.corpus_builder`."""

import logging

from evals.corpus_builder.build import build_corpus


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    counts = build_corpus()
    print(", ".join(f"{folder}: {count}" for folder, count in counts.items()))


if __name__ == "__main__":
    main()
