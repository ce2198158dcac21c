"""Auto-Fix's SQLAlchemy models, one per module; importing this package registers them all."""

from service.db.models.ai_fix_suggestion import AiFixSuggestion
from service.db.models.analysis_request import AnalysisRequest
from service.db.models.api_token import ApiToken
from service.db.models.chat_thread import ChatThread
from service.db.models.execution import Execution
from service.db.models.execution_fixture import ExecutionFixture
from service.db.models.execution_log import ExecutionLog
from service.db.models.execution_node import ExecutionNode
from service.db.models.execution_runbook import ExecutionRunbook
from service.db.models.fix_event import FixEvent
from service.db.models.workflow import Workflow
from service.db.models.workflow_version import ImmutableVersionError, WorkflowVersion
from service.db.models.workspace import Workspace
from service.db.models.workspace_policy import WorkspacePolicy

__all__ = [
    "AiFixSuggestion",
    "AnalysisRequest",
    "ApiToken",
    "ChatThread",
    "Execution",
    "ExecutionFixture",
    "ExecutionLog",
    "ExecutionNode",
    "ExecutionRunbook",
    "FixEvent",
    "ImmutableVersionError",
    "Workflow",
    "WorkflowVersion",
    "Workspace",
    "WorkspacePolicy",
]
