"""Tables in Auto-Fix's database that other libraries create and migrate with their own tools."""

# Procrastinate (the job queue) prefixes its tables; LangGraph's PostgreSQL checkpointer names
# its tables checkpoint*, and its SQLite checkpointer creates `checkpoints` and `writes`.
FOREIGN_TABLE_PREFIXES = ("procrastinate_", "checkpoint")
FOREIGN_TABLE_NAMES = frozenset({"writes"})


def is_foreign_table(name: str) -> bool:
    """Tell whether a table belongs to Procrastinate or LangGraph, so migrations leave it alone."""
    return name.startswith(FOREIGN_TABLE_PREFIXES) or name in FOREIGN_TABLE_NAMES


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """Alembic's filter of reflected names: leave out the other libraries' tables."""
    if type_ == "table" and name is not None:
        return not is_foreign_table(name)
    return True
