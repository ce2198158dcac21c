"""Terminal output of `autofix analyze`: the diagnosis, then the suggestions."""

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from agent.analysis import AnalysisResult


def print_analysis(result: AnalysisResult) -> None:
    console = Console()
    heading = f"{result.workspace_id} / {result.workflow_id} / execution {result.execution_id}"
    console.print(Text(heading, style="bold"))
    console.print(Text(result.diagnosis))

    if not result.suggestions:
        console.print(Text("No suggestion.", style="dim"))
    else:
        console.print(_suggestion_table(result))

    decision = result.auto_apply
    console.print(Text(f"Auto-apply: {'eligible' if decision['eligible'] else 'no'} ({decision['reason']})"))
    console.print(Text(f"Analysis {result.analysis_id}, model {result.model_used}, {result.tokens_used} tokens", style="dim"))
    console.print()


def _suggestion_table(result: AnalysisResult) -> Table:
    # The description gets the width; the three short figures stack in one narrow column.
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_lines=True, expand=True)
    table.add_column("#", no_wrap=True)
    table.add_column("Suggestion", overflow="fold", ratio=1)
    table.add_column("Confidence / verification / source", no_wrap=True, min_width=18)

    for index, suggestion in enumerate(result.suggestions):
        figures = "\n".join(
            (f"{suggestion['confidence']:.2f}", suggestion["verification"]["status"], suggestion["source"])
        )
        table.add_row(str(index), Text(suggestion["description"]), figures)
    return table
