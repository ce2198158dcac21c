"""`autofix workspace` and `autofix token`: create workspaces and manage their API tokens."""

import uuid
from typing import Annotated

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from service.auth.tokens import TokenNotFound, create_token, list_tokens, revoke_token
from service.cli.errors import INVALID_INPUT, fail
from service.cli.runner import run_in_transaction
from service.db.models import ApiToken, Workspace
from service.settings import Settings
from service.workspaces.store import WorkspaceExists, WorkspaceNotFound, create_workspace, find_workspace

workspace_app = typer.Typer(help="Create workspaces.", no_args_is_help=True)
token_app = typer.Typer(help="Create, list and revoke a workspace's API tokens.", no_args_is_help=True)

WorkspaceOption = Annotated[str, typer.Option("--workspace", help="The workspace's LinkFlow id.")]


@workspace_app.command("create")
def create_workspace_command(
    context: typer.Context,
    workspace_id: Annotated[str, typer.Argument(metavar="ID", help="The workspace's LinkFlow id, such as ws_acme.")],
    name: Annotated[str | None, typer.Option(help="A display name.")] = None,
) -> None:
    """Create a workspace with the default policy (auto-fix off, threshold 0.95)."""
    settings: Settings = context.obj

    async def work(session: AsyncSession) -> None:
        try:
            await create_workspace(session, workspace_id, name=name)
        except WorkspaceExists as error:
            fail(str(error), status=INVALID_INPUT)

    run_in_transaction(settings, work)
    typer.echo(f"workspace {workspace_id} created")


@token_app.command("create")
def create_token_command(
    context: typer.Context,
    workspace_id: WorkspaceOption,
    name: Annotated[str, typer.Option(help="A label to tell tokens apart.")] = "api token",
) -> None:
    """Create an API token and print it; it is shown only this once."""
    settings: Settings = context.obj

    async def work(session: AsyncSession) -> tuple[str, uuid.UUID]:
        workspace = await _workspace(session, workspace_id)
        created = await create_token(session, workspace, name)
        return created.secret, created.row.id

    secret, token_id = run_in_transaction(settings, work)
    typer.echo(f"token {token_id} for workspace {workspace_id} (shown once, store it now):")
    typer.echo(secret)


@token_app.command("list")
def list_tokens_command(context: typer.Context, workspace_id: WorkspaceOption) -> None:
    """List a workspace's tokens by id, name and first characters; token values are never shown."""
    settings: Settings = context.obj

    async def work(session: AsyncSession) -> list[ApiToken]:
        return await list_tokens(session, await _workspace(session, workspace_id))

    tokens = run_in_transaction(settings, work)
    if not tokens:
        typer.echo(f"workspace {workspace_id} has no tokens")
    for token in tokens:
        typer.echo(_token_line(token))


@token_app.command("revoke")
def revoke_token_command(
    context: typer.Context,
    token_id: Annotated[str, typer.Argument(metavar="TOKEN_ID", help="The token's id, as `token list` prints it.")],
) -> None:
    """Revoke a token; requests that send it get 401 from then on."""
    settings: Settings = context.obj
    parsed = _parse_token_id(token_id)

    async def work(session: AsyncSession) -> ApiToken:
        try:
            return await revoke_token(session, parsed)
        except TokenNotFound as error:
            fail(str(error), status=INVALID_INPUT)

    token = run_in_transaction(settings, work)
    revoked_at = token.revoked_at.isoformat() if token.revoked_at else "now"
    typer.echo(f"token {token.id} revoked at {revoked_at}")


async def _workspace(session: AsyncSession, workspace_id: str) -> Workspace:
    try:
        return await find_workspace(session, workspace_id)
    except WorkspaceNotFound as error:
        fail(str(error), status=INVALID_INPUT)


def _parse_token_id(text: str) -> uuid.UUID:
    try:
        return uuid.UUID(text)
    except ValueError:
        fail(f"invalid token id {text!r}: expected a UUID, as `autofix token list` prints it", status=INVALID_INPUT)


def _token_line(token: ApiToken) -> str:
    last_used = token.last_used_at.isoformat() if token.last_used_at else "never"
    state = f"revoked {token.revoked_at.isoformat()}" if token.revoked_at else "active"
    return (
        f"{token.id}  {token.prefix}…  {token.name}  created {token.created_at.isoformat()}  "
        f"last used {last_used}  {state}"
    )
