"""Dependencies shared by routes: a database session per request, pagination and raw JSON bodies."""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Request
from litestar.datastructures import State
from litestar.exceptions.http_exceptions import RequestEntityTooLarge
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from service.errors import ErrorCode, ProblemError, validation_failed
from service.settings import Settings
from tools.intake import BundleRejected, parse_document

MAX_PAGE_SIZE = 200


async def provide_db_session(state: State) -> AsyncIterator[AsyncSession]:
    """Open a session for the request; what the route did not commit is rolled back on close."""
    async with state.session_factory() as session:
        yield session


def provide_settings(state: State) -> Settings:
    return state.settings


@dataclass(frozen=True)
class Page:
    limit: int
    offset: int


def provide_page(
    limit: Annotated[int, Parameter(ge=1, le=MAX_PAGE_SIZE, description="items per page")] = 50,
    offset: Annotated[int, Parameter(ge=0, description="items to skip")] = 0,
) -> Page:
    return Page(limit=limit, offset=offset)


def list_envelope(data: list[Any], total: int, page: Page) -> dict[str, Any]:
    """Wrap a page of items as LinkFlow's clients read lists."""
    return {"data": data, "meta": {"total": total, "limit": page.limit, "offset": page.offset}}


async def read_body(request: Request[Any, Any, Any], settings: Settings) -> bytes:
    """Read the raw body, at most AUTOFIX_MAX_BODY_BYTES long.

    Raises:
        ProblemError: payload_too_large.
    """
    try:
        return await request.body()
    except RequestEntityTooLarge:
        raise ProblemError(
            ErrorCode.PAYLOAD_TOO_LARGE,
            f"the body is more than the limit of {settings.max_body_bytes:,} bytes (AUTOFIX_MAX_BODY_BYTES)",
        ) from None


def parse_json_body(body: bytes, settings: Settings) -> Any:
    """Parse a body as JSON under the intake limits: size, nesting, text and numbers.

    Raises:
        ProblemError: validation_failed naming the path and the reason.
    """
    try:
        return parse_document(body, settings.intake_limits())
    except BundleRejected as error:
        raise validation_failed(error.path, error.reason) from None


async def read_json_body(request: Request[Any, Any, Any], settings: Settings) -> Any:
    return parse_json_body(await read_body(request, settings), settings)
