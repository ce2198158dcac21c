"""A recorded HTTP exchange of an execution, which replay serves instead of the network."""

import uuid
from typing import Any

from sqlalchemy import CHAR, ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column

from service.db.base import Base, UuidPrimaryKey
from service.db.types import OrderedJSON


class ExecutionFixture(UuidPrimaryKey, Base):
    __tablename__ = "execution_fixtures"

    execution_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("executions.id", ondelete="CASCADE"), index=True)
    # LinkFlow's request fingerprint: SHA-256 hex of the request's canonical JSON.
    request_fingerprint: Mapped[str] = mapped_column(CHAR(64), index=True)
    request: Mapped[dict[str, Any] | None] = mapped_column(OrderedJSON)
    response: Mapped[dict[str, Any] | None] = mapped_column(OrderedJSON)
    error: Mapped[dict[str, Any] | None] = mapped_column(OrderedJSON)
    position: Mapped[int] = mapped_column(Integer)
