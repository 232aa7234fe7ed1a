"""`newsflow schemas` and `newsflow eval`: tools that read the models and the evaluation data, not Kafka."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from services.settings import Settings


def cmd_schemas(_settings: Settings, args: argparse.Namespace) -> int:
    from services import schemas  # noqa: PLC0415 - only this command needs it

    directory = Path(args.dir)
    if args.check:
        stale = schemas.stale(directory)
        for name in stale:
            sys.stderr.write(f"schemas/{name} is out of date: run `newsflow schemas`\n")
        return 1 if stale else 0
    for name in schemas.write(directory):
        sys.stdout.write(f"wrote {directory / name}\n")
    return 0


def cmd_eval(_settings: Settings, args: argparse.Namespace) -> int:
    path = Path(args.path)
    if not path.exists():
        raise FileNotFoundError(2, "No such file or directory", str(path))
    # Each measure imports only what it needs: extraction no spaCy, entities no trafilatura.
    if args.what == "extraction":
        from services.eval.unspaced_extraction import evaluate_unspaced_extraction, is_unspaced_extraction_dir  # noqa: PLC0415

        if is_unspaced_extraction_dir(path):  # extraction-zh-dev: character bigrams, not word shingles
            sys.stdout.write(evaluate_unspaced_extraction(path).render() + "\n")
            return 0
        if args.no_site_learning:
            from services.eval.extraction import evaluate_extraction  # noqa: PLC0415

            sys.stdout.write(evaluate_extraction(path, site_learning=False).render() + "\n")
        else:
            from services.eval.heldout import evaluate_heldout  # noqa: PLC0415

            sys.stdout.write(evaluate_heldout(path, folds=args.folds).render() + "\n")
    elif args.what == "entities":
        from services.eval.entities import evaluate_entities, options_without  # noqa: PLC0415

        report = evaluate_entities(path, options=options_without(args.without), documents=args.documents)
        sys.stdout.write(report.render() + "\n")
    elif args.what == "mojibake":
        from services.eval.mojibake import data_paragraphs, evaluate_mojibake  # noqa: PLC0415

        sys.stdout.write(evaluate_mojibake(data_paragraphs(path)).render() + "\n")
    else:
        from services.eval.duplicates import evaluate_duplicates  # noqa: PLC0415

        sys.stdout.write(evaluate_duplicates(path, clean=not args.no_clean).render() + "\n")
    return 0
