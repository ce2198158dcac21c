"""Routes of the chat on an analysis: send a message (JSON or server-sent events) and list the conversation."""

import json
from collections.abc import AsyncIterator
from typing import Any

import msgspec
import structlog
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.response import ServerSentEvent
from litestar.response.sse import ServerSentEventMessage
from sqlalchemy.ext.asyncio import AsyncSession

from agent.chat.config import ChatMessageInvalid, ChatNeedsModel
from service.chat.messages import (
    AnalysisNotFound,
    AnalysisNotReady,
    ChatEvent,
    ChatRateLimited,
    list_messages,
    stream_message,
)
from service.db.models import Workspace
from service.errors import ErrorCode, ProblemError
from service.executions.bundle_loader import DefinitionMissing
from service.settings import Settings

log = structlog.stdlib.get_logger(__name__)

EVENT_STREAM = "text/event-stream"


class MessageBody(msgspec.Struct):
    message: str


class ChatController(Controller):
    path = "/ai/analyses/{analysis_id:str}/messages"
    tags = ["chat"]

    @post(status_code=200)
    async def post_message(
        self,
        request: Request,
        analysis_id: FromPath[str],
        data: JSONBody[MessageBody],
        settings: NamedDependency[Settings],
        current_workspace: NamedDependency[Workspace],
    ) -> Response:
        """Send a chat message about an analysis; returns {"reply", "suggestions_added"}, or streams with Accept: text/event-stream.

        A suggestion the chat proposes passes the same guard, replay and scoring as the analysis and is
        appended to the analysis's suggestions, where it can be applied like any other.
        """
        session: AsyncSession = request.app.state.session_factory()
        events = stream_message(
            session, settings, current_workspace.external_id, analysis_id, data.message,
            chat_model=getattr(request.app.state, "chat_model", None),
        )
        first = await _first_event(events, session, current_workspace, analysis_id)

        if EVENT_STREAM in request.headers.get("accept", ""):
            return ServerSentEvent(_event_stream(first, events, session))
        return Response(await _collect(first, events, session))

    @get()
    async def get_messages(
        self,
        analysis_id: FromPath[str],
        db_session: NamedDependency[AsyncSession],
        settings: NamedDependency[Settings],
        current_workspace: NamedDependency[Workspace],
    ) -> dict[str, Any]:
        """List the conversation's user and assistant messages, oldest first."""
        try:
            messages = await list_messages(db_session, settings, current_workspace.external_id, analysis_id)
        except AnalysisNotFound as error:
            raise ProblemError(ErrorCode.NOT_FOUND, str(error)) from error
        return {"data": messages, "meta": {"total": len(messages), "limit": len(messages), "offset": 0}}


async def _first_event(
    events: AsyncIterator[ChatEvent], session: AsyncSession, workspace: Workspace, analysis_id: str
) -> ChatEvent:
    """Start the turn; every refusal happens here, before a response (or a stream) has begun."""
    try:
        return await anext(events)
    except BaseException as error:
        await session.close()
        raise _problem(error, workspace, analysis_id) from error


def _problem(error: BaseException, workspace: Workspace, analysis_id: str) -> BaseException:
    if isinstance(error, ChatNeedsModel):
        return ProblemError(ErrorCode.NOT_CONFIGURED, str(error))
    if isinstance(error, ChatMessageInvalid):
        return ProblemError(
            ErrorCode.VALIDATION_FAILED, f"$.message: {error}",
            extensions={"errors": [{"path": "$.message", "reason": str(error)}]},
        )
    if isinstance(error, AnalysisNotFound):
        return ProblemError(ErrorCode.NOT_FOUND, str(error))
    if isinstance(error, AnalysisNotReady | DefinitionMissing):
        return ProblemError(ErrorCode.CONFLICT, str(error))
    if isinstance(error, ChatRateLimited):
        return ProblemError(ErrorCode.RATE_LIMITED, str(error), headers={"Retry-After": str(error.retry_after)})
    log.error("chat turn failed", workspace=workspace.external_id, analysis=analysis_id, error=type(error).__name__)
    return error


async def _collect(first: ChatEvent, events: AsyncIterator[ChatEvent], session: AsyncSession) -> dict[str, Any]:
    try:
        event = first
        while event.event != "end":
            event = await anext(events)
        await session.commit()
        return {"reply": event.data["reply"], "suggestions_added": event.data["suggestions_added"]}
    finally:
        await session.close()


async def _event_stream(
    first: ChatEvent, events: AsyncIterator[ChatEvent], session: AsyncSession
) -> AsyncIterator[ServerSentEventMessage]:
    """Send each event as it comes; the added suggestions are committed before the end event goes out."""
    try:
        event = first
        while True:
            if event.event == "end":
                await session.commit()
            yield ServerSentEventMessage(event=event.event, data=json.dumps(event.data, ensure_ascii=False))
            if event.event == "end":
                return
            event = await anext(events)
    finally:
        await session.close()
