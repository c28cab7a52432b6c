"""Target extraction: accuracy on the five seeds against the curated plan tables, and speed.

    make benchmark-extraction      (or: python benchmarks/extraction.py [--seeds DIR])

Accuracy is row-level: an extracted row is right when its value, unit, target year and kind
all equal a curated row's (values compared in canonical units; pairs one to one). Printed per
seed and overall: recall, precision, and how many right rows also name the curated indicator.
Seed 004's review table is scored against sz-ip-13fyp.

Speed: 100 documents of 20,000 characters each, written to a temporary folder and read and
extracted one after another in this process. They are SYNTHETIC: spliced by code from the
seed texts (so that they read like plans), not real documents.
"""

from __future__ import annotations

import argparse
import glob
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pipelines.extract.catalogue import Catalogue  # noqa: E402
from pipelines.extract.documents import read_document  # noqa: E402
from pipelines.extract.extractor import extract  # noqa: E402
from pipelines.extract.review import compare, read_plan_table  # noqa: E402

GOAL_RECALL, GOAL_PRECISION, GOAL_SECONDS = 0.95, 0.90, 10.0
SPEED_DOCUMENTS, SPEED_CHARACTERS = 100, 20_000
HISTORY_SECTIONS = ("发展基础", "机遇与挑战")


def accuracy(seeds: Path, catalogue: Catalogue) -> bool:
    plans = pl.read_csv(REPO / "sources" / "reference" / "plans.csv", infer_schema=False)
    print(
        f"{'seed':<5} {'plan':<22} {'curated':>7} {'extracted':>9} {'right':>5} {'recall':>7} "
        f"{'precision':>9} {'same indicator':>14}"
    )
    totals = [0, 0, 0, 0]
    history = 0
    for plan in (
        plans.filter(pl.col("seed_document").is_not_null()).sort("seed_document").iter_rows(named=True)
    ):
        (path,) = glob.glob(str(seeds / f"{plan['seed_document']}_*.txt"))
        result = extract(read_document(Path(path)), catalogue, plan["plan_id"])
        history += sum(any(h in s for h in HISTORY_SECTIONS) for s in result.targets["section_path"])
        scored = [(plan["plan_id"], result.targets)]
        if result.past_plan_targets.height:
            scored.append((result.past_plan_id, result.past_plan_targets))
        for plan_id, frame in scored:
            table_path = REPO / "sources" / "plans" / f"{plan_id}.csv"
            table = read_plan_table(table_path) if table_path.exists() else frame.clear()
            c = compare(frame, table, catalogue)
            same = sum(e["indicator_id"] == r["indicator_id"] for e, r in c.matched)
            row = [table.height, frame.height, len(c.matched), same]
            totals = [a + b for a, b in zip(totals, row, strict=True)]
            print(
                f"{plan['seed_document']:<5} {plan_id:<22} {row[0]:>7} {row[1]:>9} {row[2]:>5} "
                f"{c.recall:>7.1%} {c.precision:>9.1%} {same:>8} of {len(c.matched):<3}"
            )
            for r in c.curated_only:
                print(f"      missed: {r['target_id']} {r['target_value']} {r['unit']} {r['target_kind']}")
            for r in c.extracted_only:
                print(
                    f"      not in the table: {r['target_value']} {r['unit']} {r['target_kind']} "
                    f"«{r['clause'][:50]}»"
                )
    curated, extracted, right, same = totals
    recall, precision = right / curated, right / extracted if extracted else 1.0
    print(
        f"{'all':<28} {curated:>7} {extracted:>9} {right:>5} {recall:>7.1%} {precision:>9.1%} "
        f"{same:>8} of {right:<3}"
    )
    print(
        f"goal: recall ≥ {GOAL_RECALL:.0%} → {'met' if recall >= GOAL_RECALL else 'NOT MET'}; "
        f"precision ≥ {GOAL_PRECISION:.0%} → {'met' if precision >= GOAL_PRECISION else 'NOT MET'}; "
        f"rows from a history section: {history} (goal 0)"
    )
    return recall >= GOAL_RECALL and precision >= GOAL_PRECISION and history == 0


def speed(seeds: Path, catalogue: Catalogue) -> bool:
    texts = [Path(p).read_text(encoding="utf-8") for p in sorted(glob.glob(str(seeds / "*.txt")))]
    corpus = "\n".join(texts)
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for i in range(SPEED_DOCUMENTS):
            start = (i * 7919) % len(corpus)  # each document a different splice (SYNTHETIC)
            text = (corpus[start:] + "\n" + corpus)[:SPEED_CHARACTERS]
            path = Path(folder) / f"synthetic-{i:03d}.txt"
            path.write_text(text, encoding="utf-8")
            paths.append(path)
        started = time.perf_counter()
        rows = sum(extract(read_document(p), catalogue).targets.height for p in paths)
        elapsed = time.perf_counter() - started
    characters = SPEED_DOCUMENTS * SPEED_CHARACTERS
    print(
        f"speed: {SPEED_DOCUMENTS} SYNTHETIC documents × {SPEED_CHARACTERS:,} characters read and extracted "
        f"in {elapsed:.2f} s ({elapsed / SPEED_DOCUMENTS * 1000:.0f} ms a document, "
        f"{characters / elapsed:,.0f} characters/s, {rows} rows)"
    )
    print(f"goal: under {GOAL_SECONDS:.0f} s → {'met' if elapsed < GOAL_SECONDS else 'NOT MET'}")
    return elapsed < GOAL_SECONDS


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seeds", type=Path, default=REPO.parent / "shared" / "seeds")
    args = parser.parse_args()
    catalogue = Catalogue.from_sources(REPO / "sources")
    print("== accuracy on the seed documents (against sources/plans)")
    accurate = accuracy(args.seeds, catalogue)
    print("\n== speed")
    fast = speed(args.seeds, catalogue)
    return 0 if accurate and fast else 1


if __name__ == "__main__":
    sys.exit(main())
