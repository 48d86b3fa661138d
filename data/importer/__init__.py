"""The importer of the data contract's files (SPEC §1); see docs/importer.md.

    report = import_files(engine, ["mof_div.csv", "payment_2025-09.csv"], username="alice")
    print("\\n".join(report.lines()))

All files are one transaction: on any error `ImportRejected` is raised with
every error (file:line:COLUMN, Chinese / English) and nothing is written.
"""
from data.importer.batch import evaluate_into, import_files
from data.importer.datasets import DATASETS, ORDER
from data.importer.errors import FileReport, ImportFailed, ImportRejected, ImportReport, Issue

__all__ = ["DATASETS", "ORDER", "FileReport", "ImportFailed", "ImportRejected", "ImportReport",
           "Issue", "evaluate_into", "import_files"]
