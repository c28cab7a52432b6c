"""The `planwatch` command.

    planwatch extract DOC [--plan-id ID] [--region CODE] [-o FILE]

reads a plan document (.txt, .md, .html, .docx, .pdf with a text layer) and writes its
quantified targets as a plan table: the columns of sources/plans/<plan_id>.csv first, so that
a reviewed file drops in, then the extraction's own (clause, span, section, indicator as
written, qualifier, confidence …). A review table of a past plan in the document is written
beside FILE as <FILE stem>.past-plan.csv, and the values it reports as
<FILE stem>.reported-figures.csv (the columns of a compiled figure file).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pipelines import config


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="planwatch", description="planwatch command-line tools")
    commands = parser.add_subparsers(dest="command", required=True)
    extract = commands.add_parser(
        "extract",
        help="extract the quantified targets of a plan document into a plan table (CSV)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    extract.add_argument("document", type=Path, help="the plan document (.txt .md .html .docx .pdf)")
    extract.add_argument(
        "--plan-id",
        help="the plan's id (default: the file name); a plan in "
        "reference/plans.csv lends its publication year, period and region",
    )
    extract.add_argument(
        "--region",
        help="region code of the issuer (default: the plan's, or the "
        "first region the document's opening names)",
    )
    extract.add_argument("-o", "--output", type=Path, help="write the plan table here (default: stdout)")
    extract.add_argument(
        "--explain",
        action="store_true",
        help="also list every number that was not taken as a target, and why (on stderr)",
    )
    extract.add_argument(
        "--sources",
        type=Path,
        default=None,
        help="the sources folder whose reference/ catalogue to match against "
        "(default: PLANWATCH_SOURCES_DIR or the repository's sources/)",
    )
    args = parser.parse_args(argv)
    return _extract(args)


def _extract(args: argparse.Namespace) -> int:
    from pipelines.extract.catalogue import Catalogue
    from pipelines.extract.documents import DocumentError, read_document
    from pipelines.extract.extractor import extract

    sources = (args.sources or config.sources_dir()).resolve()
    try:
        catalogue = Catalogue.from_sources(sources)
    except (OSError, ValueError) as exc:
        print(
            f"planwatch extract: cannot read the catalogue under {sources}/reference: {exc}", file=sys.stderr
        )
        return 2
    try:
        document = read_document(args.document)
    except DocumentError as error:
        print(
            f"planwatch extract: cannot read {error.path}: {error.cause}.\n  What to do: {error.what_to_do}",
            file=sys.stderr,
        )
        return 2
    if args.region and args.region not in catalogue.region_parent:
        print(
            f"planwatch extract: --region {args.region} is not a region_code in "
            f"{sources}/reference/regions.csv",
            file=sys.stderr,
        )
        return 2
    result = extract(document, catalogue, plan_id=args.plan_id, region_code=args.region)
    targets = result.targets
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        targets.write_csv(args.output)
        written = [f"{len(targets)} target(s) → {args.output}"]
        if len(result.past_plan_targets):
            past = args.output.with_name(args.output.stem + ".past-plan.csv")
            figures = args.output.with_name(args.output.stem + ".reported-figures.csv")
            result.past_plan_targets.write_csv(past)
            result.reported_figures.write_csv(figures)
            written.append(
                f"{len(result.past_plan_targets)} target(s) of the past plan {result.past_plan_id} → {past}"
            )
            written.append(f"{len(result.reported_figures)} reported figure(s) → {figures}")
    else:
        sys.stdout.write(targets.write_csv())
        written = [f"{len(targets)} target(s)"]
        if len(result.past_plan_targets):
            written.append(
                f"{len(result.past_plan_targets)} target(s) of a past plan's review table: "
                "use -o FILE to write them too"
            )
    unmatched = targets.filter(targets["indicator_id"].is_null()).height
    low = targets.filter(targets["confidence"] < 0.8).height
    print(
        f"planwatch extract: {document.path.name} ({document.format}, {len(document.text):,} characters)",
        file=sys.stderr,
    )
    for line in written:
        print(f"  {line}", file=sys.stderr)
    print(
        f"  {len(result.rejected)} number(s) not taken as targets"
        + ("" if args.explain or not result.rejected else " (--explain lists them and why)"),
        file=sys.stderr,
    )
    if args.explain:
        for quantity, why in result.rejected:
            print(f"    - {quantity}: {why}", file=sys.stderr)
    print(
        f"  to review: {unmatched} indicator(s) not in the catalogue, {low} row(s) with confidence < 0.8",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
