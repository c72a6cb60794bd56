"""Health, positions and who-am-I."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from api.auth import ALL_ROLES, require
from api.deps import RuntimeDep
from services.handlers.access import Principal

router = APIRouter(prefix="/v1", tags=["system"])


@router.get("/health")
def health(runtime: RuntimeDep) -> dict[str, Any]:
    """Liveness, the ledger's head position and how far the views have caught up."""
    head = int(runtime.ledger.recorder.max_notification_id() or 0)
    return {"status": "ok", "ledger_position": head, "views_position": runtime.follower.views_position(),
            "store": "postgresql" if runtime.settings.uses_postgres else "sqlite"}


@router.get("/me")
def me(principal: Annotated[Principal, Depends(require(*ALL_ROLES))]) -> dict[str, Any]:
    """The role and label of the presented API key."""
    return {"role": principal.role.value, "label": principal.label,
            "party_id": str(principal.party_id) if principal.party_id else None}
