"""An API token of a workspace; only its hash is stored."""

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from service.db.base import Base, CreatedAt, UuidPrimaryKey
from service.db.types import UtcDateTime


class ApiToken(UuidPrimaryKey, CreatedAt, Base):
    __tablename__ = "api_tokens"

    workspace_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(Text)
    # SHA-256 hex of the token: the token itself is shown once, when it is created.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The token's first characters, so users can tell their tokens apart in listings.
    prefix: Mapped[str] = mapped_column(String(20))
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
