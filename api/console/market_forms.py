"""The market desk's forms read into the API's schemas and handed to the API's endpoint
functions (POST /v1/demands, /v1/matches, /v1/matches/{id}/outcome)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import orjson
from fastapi import Response
from pydantic import BaseModel

from api.console.access import Viewer
from api.console.forms import given
from api.routers import demands as demand_api
from api.routers import matches as match_api
from api.schemas.common import WriteAccepted
from api.schemas.demands import DemandCreate, MatchCreate, OutcomeCreate
from domain.match import MatchOutcome
from projections.store import ViewDB

OUTCOMES = tuple(o.value for o in MatchOutcome)


def _keywords(text: str) -> list[str]:
    return [k.strip() for k in text.replace("，", ",").replace("、", ",").split(",") if k.strip()]


def post_demand(viewer: Viewer, ledger: Any, form: dict[str, str]) -> WriteAccepted:
    body = DemandCreate.model_validate_json(orjson.dumps({
        "enterprise_id": form.get("enterprise_id", "").strip(),
        "title": form.get("title", "").strip(), "description": form.get("description", "").strip(),
        "field": form.get("field", "").strip(), "keywords": _keywords(form.get("keywords", "")),
        "region_code": form.get("region_code", "").strip(),
        "deadline": form.get("deadline", "").strip(),
        **given(form, "budget_min", "budget_max", "effective_date")}))
    return demand_api.post_demand(body, viewer.principal, ledger, Response())


def introduce(viewer: Viewer, ledger: Any, views: ViewDB, demand_id: UUID,
              form: dict[str, str]) -> WriteAccepted:
    body = MatchCreate.model_validate_json(orjson.dumps({
        "demand_id": str(demand_id), "achievement_id": form.get("achievement_id", "").strip(),
        "note": form.get("note", "").strip(), **given(form, "score", "effective_date")}))
    with views.read() as tx:
        return match_api.introduce(body, viewer.principal, ledger, Response(), tx)


class MatchRef(BaseModel):
    """The API's path parameter, checked by a schema so a bad id reads like a field error."""

    match_id: UUID


def record_outcome(viewer: Viewer, ledger: Any, form: dict[str, str]) -> WriteAccepted:
    match_id = MatchRef.model_validate({"match_id": form.get("match_id", "").strip()}).match_id
    body = OutcomeCreate.model_validate_json(orjson.dumps({
        "outcome": form.get("outcome", "").strip(), "note": form.get("note", "").strip(),
        **given(form, "contract_id", "effective_date")}))
    return match_api.record_outcome(match_id, body, viewer.principal, ledger)
