"""Documents family: each plan's own document, read and passed through the target extractor.

sources/documents/<plan_id>.<ext> (.txt .md .html .docx .pdf). A file may be a link, but only
to a file inside sources/documents/ or the shared seeds folder (config.seeds_dir()): the
repository keeps the seeds' facts, not their text, and links to them instead.

A document that cannot be read is recorded with its cause and what to do (status
'unreadable'); the other documents and the rest of the run go on. The curated plan tables stay
what the marts assess: extracted targets only feed the review (mart_extraction_review).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pipelines import config
from pipelines.extract.catalogue import Catalogue
from pipelines.extract.documents import DocumentError, check_type, read_document
from pipelines.extract.extractor import OUTPUT_SCHEMA, extract

DOCUMENT_SCHEMA = {
    "plan_id": pl.String,
    "source_file": pl.String,
    "format": pl.String,
    "encoding": pl.String,
    "sha256": pl.String,
    "characters": pl.Int64,
    "status": pl.String,  # read, unreadable
    "error_cause": pl.String,
    "what_to_do": pl.String,
    "n_targets": pl.Int64,
    "n_past_plan_targets": pl.Int64,
    "n_reported_figures": pl.Int64,
}
EXTRACTED_SCHEMA = {"document_plan_id": pl.String, "role": pl.String, **OUTPUT_SCHEMA}
FIGURE_SCHEMA = {
    "document_plan_id": pl.String,
    "source_file": pl.String,
    "region": pl.String,
    "indicator": pl.String,
    "year": pl.String,
    "value": pl.String,
    "unit": pl.String,
    "note": pl.String,
}


@dataclass(frozen=True)
class DocumentTables:
    documents: pl.DataFrame
    extracted_targets: pl.DataFrame
    extracted_figures: pl.DataFrame

    def as_tables(self) -> dict[str, pl.DataFrame]:
        return {
            "documents": self.documents,
            "extracted_targets": self.extracted_targets,
            "extracted_figures": self.extracted_figures,
        }


def document_files(sources: Path) -> list[Path]:
    """Every file under sources/documents/ but hidden files and READMEs."""
    folder = sources / "documents"
    if not folder.is_dir():
        return []
    return sorted(
        p for p in folder.iterdir() if not p.name.startswith(".") and not p.name.upper().startswith("README")
    )


def load_documents(sources: Path, catalogue: Catalogue) -> DocumentTables:
    """Read and extract every plan document; unreadable ones are recorded, not raised."""
    documents, targets, figures = [], [], []
    files = document_files(sources)
    for path in files:
        name = f"{sources.name}/documents/{path.name}"  # where the user put it, not where a link leads
        plan_id = path.stem
        row = {"plan_id": plan_id, "source_file": name, **{k: None for k in list(DOCUMENT_SCHEMA)[2:]}}
        try:
            _check_location(path, sources / "documents", name)
            _check_one_per_plan(path, files, name)
            if plan_id not in catalogue.plans:
                raise DocumentError(
                    name,
                    f"no plan '{plan_id}' in reference/plans.csv",
                    "Name the file after its plan_id (e.g. sz-ip-14fyp.pdf) or add the plan to "
                    "sources/reference/plans.csv.",
                )
            document = read_document(path)
        except DocumentError as error:
            documents.append(
                {**row, "status": "unreadable", "error_cause": error.cause, "what_to_do": error.what_to_do}
            )
            continue
        result = extract(document, catalogue, plan_id)
        documents.append(
            {
                **row,
                "format": document.format,
                "encoding": document.encoding,
                "sha256": document.sha256,
                "characters": len(document.text),
                "status": "read",
                "n_targets": result.targets.height,
                "n_past_plan_targets": result.past_plan_targets.height,
                "n_reported_figures": result.reported_figures.height,
            }
        )
        for role, frame in (("plan", result.targets), ("past_plan", result.past_plan_targets)):
            targets.append(frame.with_columns(document_plan_id=pl.lit(plan_id), role=pl.lit(role)))
        figures.append(
            result.reported_figures.drop("source").with_columns(
                document_plan_id=pl.lit(plan_id), source_file=pl.lit(name)
            )
        )
    return DocumentTables(
        pl.DataFrame(documents, schema=DOCUMENT_SCHEMA),
        pl.concat([pl.DataFrame(schema=EXTRACTED_SCHEMA), *targets], how="diagonal").select(
            list(EXTRACTED_SCHEMA)
        ),
        pl.concat([pl.DataFrame(schema=FIGURE_SCHEMA), *figures], how="diagonal").select(list(FIGURE_SCHEMA)),
    )


def _check_one_per_plan(path: Path, files: list[Path], name: str) -> None:
    """A plan has one document: two files with the same stem (x.pdf, x.txt) are both refused."""
    twins = [p.name for p in files if p.stem == path.stem]
    if len(twins) > 1:
        raise DocumentError(
            name,
            f"plan '{path.stem}' has several documents ({', '.join(twins)})",
            "Keep one document per plan in sources/documents/ (the most complete text).",
        )


def _check_location(path: Path, folder: Path, name: str) -> None:
    """A document, or what its link points at, must lie in sources/documents/ or the seeds folder."""
    if path.is_dir():
        raise DocumentError(name, "a folder, not a document", "Put documents directly in sources/documents/.")
    if not path.exists():
        raise DocumentError(
            name,
            f"a link to {path.readlink()}, which does not exist",
            f"Put the shared seeds folder at {config.seeds_dir()} (or set PLANWATCH_SEEDS_DIR), or replace "
            "the link with the document itself.",
        )
    resolved = path.resolve()
    allowed = [folder.resolve(), config.seeds_dir()]
    if not any(resolved.is_relative_to(root) for root in allowed):
        raise DocumentError(
            name,
            "a link that leads outside sources/documents/ and the seeds folder",
            "Copy the document into sources/documents/ instead of linking to it.",
        )
    check_type(name, path.suffix.lower())
