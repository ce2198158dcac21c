"""Storing imported failure bundles: idempotent, all-or-nothing, and refusing conflicting content."""

from service.importer.bundle import import_bundle
from service.importer.results import ImportConflict, ImportResult, StoredExecution, StoredVersion

__all__ = ["ImportConflict", "ImportResult", "StoredExecution", "StoredVersion", "import_bundle"]
