"""`autofix chat`: ask follow-up questions about a stored analysis, interactively or one message at a time."""

from typing import Annotated, Any

import typer
from rich.console import Console
from rich.prompt import Prompt
from rich.text import Text
from sqlalchemy.ext.asyncio import AsyncSession

from agent.chat import require_chat_model
from service.chat import (
    AnalysisNotFound,
    AnalysisNotReady,
    ChatMessageInvalid,
    ChatNeedsModel,
    ChatRateLimited,
    ChatReply,
    analysis_workspace,
    chat_config,
    send_message,
    setup_chat_storage,
)
from service.cli.errors import INVALID_INPUT, fail
from service.cli.runner import run_database_task, run_in_transaction
from service.settings import Settings

HELP = (
    "Ask follow-up questions about an analysis, such as why a retry would not help.\n\n"
    "Without --message, reads questions from the terminal until end of input or `exit`. The "
    "conversation is stored with the analysis, and fixes the chat proposes are verified by replay "
    "and added to the analysis's suggestions. Needs a model: AUTOFIX_MODEL, OPENAI_API_KEY and, "
    "for servers other than OpenAI's, OPENAI_BASE_URL."
)

_EXIT_WORDS = frozenset({"exit", "quit"})

# Errors that end a --message run with status 2, and that an interactive session prints and survives.
_REJECTED = (ChatMessageInvalid, ChatRateLimited)


def chat(
    context: typer.Context,
    analysis_id: Annotated[str, typer.Argument(metavar="ANALYSIS_ID", help="The analysis's id, as autofix analyze prints it.")],
    message: Annotated[
        str | None, typer.Option("--message", "-m", help="Send this one message, print the reply and exit.")
    ] = None,
) -> None:
    settings: Settings = context.obj
    try:
        require_chat_model(chat_config(settings))
    except ChatNeedsModel as error:
        fail(str(error), status=INVALID_INPUT)

    run_database_task(settings, lambda settings: setup_chat_storage(settings.database_url))
    console = Console()
    if message is not None:
        try:
            _print_reply(console, _send(settings, analysis_id, message))
        except _REJECTED as error:
            fail(str(error), status=INVALID_INPUT)
        return
    _converse(console, settings, analysis_id)


def _converse(console: Console, settings: Settings, analysis_id: str) -> None:
    console.print(f"Chat on analysis {analysis_id}. Type exit or press Ctrl-D to leave.")
    while True:
        try:
            line = Prompt.ask("[bold]you[/bold]", console=console)
        except (EOFError, KeyboardInterrupt):
            console.print()
            return
        if line.strip().lower() in _EXIT_WORDS:
            return
        if not line.strip():
            continue

        try:
            _print_reply(console, _send(settings, analysis_id, line))
        except _REJECTED as error:
            console.print(Text.assemble(("error", "red"), f": {error}"))


def _send(settings: Settings, analysis_id: str, text: str) -> ChatReply:
    async def work(session: AsyncSession) -> ChatReply:
        try:
            workspace_id = await analysis_workspace(session, analysis_id)
            return await send_message(session, settings, workspace_id, analysis_id, text)
        except (AnalysisNotFound, AnalysisNotReady) as error:
            fail(str(error), status=INVALID_INPUT)

    return run_in_transaction(settings, work)


def _print_reply(console: Console, reply: ChatReply) -> None:
    # Text objects, so brackets in the model's reply are not read as Rich markup.
    console.print(Text.assemble(("autofix", "bold"), ": ", reply.reply))
    for suggestion in reply.suggestions_added:
        console.print(Text(_suggestion_line(suggestion)))


def _suggestion_line(suggestion: dict[str, Any]) -> str:
    verification = suggestion["verification"]["status"]
    return (
        f"  added suggestion ({suggestion['source']}): {suggestion['description']} "
        f"(confidence {suggestion['confidence']:.2f}, verification {verification})"
    )
