"""Help output that names each argument by its metavar, as Click's own help does."""

from typing import Any

import click
from typer.core import TyperArgument, TyperCommand


class PlainHelpCommand(TyperCommand):
    """A command whose help shows `FILE...`, not `FILE <list[Path]>`.

    Typer 0.29 prints a type label after every argument, even one with a metavar, and has no
    setting to turn it off, so each argument with a metavar gets the label dropped here.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for param in self.params:
            if isinstance(param, TyperArgument) and param.metavar is not None:
                param.__class__ = _MetavarArgument


class _MetavarArgument(TyperArgument):
    def display_type_rich(self, ctx: click.Context) -> str | None:
        return None

    def _rich_display_name(self) -> str:
        # Click marks an argument that takes several values with "...", as the usage line does.
        return self.display_name_raw + ("..." if self.nargs != 1 else "")
