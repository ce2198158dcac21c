"""Build every case of the corpus and write it under evals/corpus/, deterministically."""

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from evals.corpus_builder.assemble import assemble_case, check_case
from evals.corpus_builder.base import BuildError, prepare_base

logger = logging.getLogger(__name__)

CORPUS_DIR = Path(__file__).resolve().parents[1] / "corpus"
# Execution ids of injected cases start here, 100 per base workflow: the failed run, then its history.
FIRST_EXECUTION_ID = 30_000


def injected_cases() -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield (file name, case document) for every variant of every base workflow."""
    from evals.corpus_builder.workflows import MODULES

    for base_index, module in enumerate(MODULES):
        run = prepare_base(module.BASE)
        slugs: set[str] = set()
        for variant_index, variant in enumerate(module.variants(run)):
            if variant.slug in slugs:
                raise BuildError(f"{run.base.name}: two variants are named {variant.slug}")
            slugs.add(variant.slug)
            execution_id = FIRST_EXECUTION_ID + base_index * 100 + variant_index * 2 + 1
            yield f"{run.base.name}__{variant.slug}", assemble_case(run, variant, execution_id=execution_id)


def report_cases() -> Iterator[tuple[str, dict[str, Any]]]:
    from evals.corpus_builder.reports import report_cases as build_reports

    yield from build_reports()


def sample_cases() -> Iterator[tuple[str, dict[str, Any]]]:
    from evals.corpus_builder.samples import sample_cases as build_samples

    yield from build_samples()


def write_folder(folder: Path, cases: Iterator[tuple[str, dict[str, Any]]]) -> int:
    """Check each case and write it; files of cases no longer built are removed."""
    folder.mkdir(parents=True, exist_ok=True)
    written = set()
    for name, document in cases:
        check_case(document, f"{folder.name}/{name}")
        path = folder / f"{name}.json"
        path.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        written.add(path)
    for stale in set(folder.glob("*.json")) - written:
        stale.unlink()
    logger.info("wrote %d cases to %s", len(written), folder)
    return len(written)


def build_corpus(root: Path = CORPUS_DIR) -> dict[str, int]:
    """Rebuild the three folders of the corpus; return the number of cases in each."""
    return {
        "injected": write_folder(root / "injected", injected_cases()),
        "report": write_folder(root / "report", report_cases()),
        "samples": write_folder(root / "samples", sample_cases()),
    }
