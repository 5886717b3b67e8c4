"""`aidplans review`: write the review queue of a dataset; 0 written, 2 on an error (no dataset, an
unusable --out, a bad threshold), one line with advice, never a traceback. Reads one commit of the
dataset and the overrides file; writes only under --out."""
from __future__ import annotations

import sys

DEFAULT_OUT = "review"


def add_arguments(p) -> None:
    """The command's options (flows/cli.py makes the sub-command)."""
    p.add_argument("--curated", default="curated", metavar="DIR", help="the dataset (default: curated)")
    p.add_argument("--out", default=DEFAULT_OUT, metavar="DIR",
                   help=f"folder for index.html, queue.csv, queue.xlsx and the crops (default: {DEFAULT_OUT})")
    p.add_argument("--min-confidence", type=float, default=None, metavar="X",
                   help="queue corrections and OCR-read values with a confidence below X (0..1: a correction's "
                        "score/100, an OCR reading's least sure character; default: Settings.review_min_confidence)")
    p.add_argument("--all", action="store_true", dest="include_all",
                   help="queue every correction (overrides too) and the descriptive flags as well")


def run_review(args) -> int:
    from flows.review.page import ReviewError, make_review
    from flows.sheets import SheetError
    from flows.store import StoreError
    if args.min_confidence is not None and not 0 <= args.min_confidence <= 1:
        print(f"aidplans review: --min-confidence must be from 0 to 1 (a correction's score/100, an OCR reading's confidence), got "
              f"{args.min_confidence:g}", file=sys.stderr)
        return 2
    try:
        review = make_review(args.curated, args.out, args.min_confidence, args.include_all)
    except (ReviewError, StoreError, SheetError) as exc:
        print(f"aidplans review: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"aidplans review: cannot write under {args.out}: {exc.strerror or exc}; give --out a writable folder",
              file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("aidplans review: interrupted; the dataset is unchanged", file=sys.stderr)
        return 130
    for line in review.notes:
        print(line)
    for path in review.paths:
        print(f"wrote {path}")
    plans, rejected = {}, sum(it.plan_year is None for it in review.items)
    for it in review.items:
        if it.plan_year is not None:
            plans[(it.plan_year, it.program)] = plans.get((it.plan_year, it.program), 0) + 1
    per_plan = ", ".join([f"{y} {p}: {n}" for (y, p), n in sorted(plans.items())] +
                         ([f"rejected files: {rejected}"] if rejected else [])) or "none"
    print(f"review: {len(review.items)} items ({per_plan}); {len(review.accepted)} accepted and not shown")
    return 0
