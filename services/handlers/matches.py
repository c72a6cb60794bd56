"""Matches introduced by the exchange (对接) and their outcomes; a contracted one links to its
registered contract and marks the demand matched in the same save (Baoding items 4-5)."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from domain.achievement import Achievement, AchievementStatus
from domain.contract import ContractStatus, TechContract
from domain.demand import DemandStatus, TechDemand
from domain.errors import InvalidInput, InvalidTransition
from domain.evaluation import Evaluation, EvaluationStatus
from domain.match import AchievementNotOffered, Match, MatchOutcome
from domain.rights import AchievementRights
from domain.standing import IntegrityStanding, SanctionScope
from services import demand_commands as d
from services.core import LedgerCore
from services.handlers.results import Created
from services.idempotency import create_once
from services.uow import Outcome, UnitOfWork


class MatchCommands(LedgerCore):
    def introduce_match(self, cmd: d.IntroduceMatch, *, actor: str,
                        key: str | None = None) -> Outcome[Created]:
        """对接: an open demand and an achievement that may be offered — the barriers the
        matching views apply, checked here on the aggregates (see _require_offerable)."""

        def work(uow: UnitOfWork) -> Created:
            def build(match_id: UUID, digest: str) -> Match:
                day = self.effective(cmd.effective_date)
                demand = uow.get(TechDemand, cmd.demand_id, "demand")
                if demand.status is not DemandStatus.OPEN:
                    raise InvalidTransition(f"the demand is {demand.status.value}")
                _require_offerable(uow, cmd.achievement_id, cmd.evaluation_ids, day)
                return Match.introduce(cmd.demand_id, cmd.achievement_id, note=cmd.note,
                                       score=cmd.score, id=match_id, request_digest=digest,
                                       effective_date=day, actor=actor)

            match, created = create_once(uow, Match, "match", key, cmd, build)
            return Created(match.id, replayed=not created)

        return self.execute(work)

    def record_match_outcome(self, cmd: d.RecordMatchOutcome, *, actor: str) -> Outcome[None]:
        """The outcome of a match; `contracted` needs the registered contract by which the
        demanding enterprise acquired the achievement, and marks the demand matched."""

        def work(uow: UnitOfWork) -> None:
            day = self.effective(cmd.effective_date)
            match = uow.get(Match, cmd.match_id, "match")
            assert match.demand_id is not None and match.achievement_id is not None
            demand = uow.get(TechDemand, match.demand_id, "demand")
            match.record_outcome(cmd.outcome, cmd.contract_id, cmd.note, effective_date=day,
                                 actor=actor)
            if cmd.outcome is MatchOutcome.CONTRACTED:
                assert cmd.contract_id is not None
                _require_deal(uow, cmd.contract_id, demand, match.achievement_id)
                if demand.status is DemandStatus.OPEN:  # another match may have met it first
                    demand.mark_matched(match.id, cmd.contract_id, effective_date=day,
                                        actor=actor)

        return self.execute(work)


def _require_offerable(uow: UnitOfWork, achievement_id: UUID, evaluation_ids: tuple[UUID, ...],
                       day: date) -> None:
    """The barriers of projections.matching, on the aggregates, each with its source:
    a cancelled registration and a revoked evaluation (Baoding item 9: fraud found), a pledge
    binding without the pledgee's consent (Civil Code art. 444), an owner barred from trading
    (Baoding item 9, scope trading)."""
    achievement = uow.get(Achievement, achievement_id, "achievement")
    if achievement.status is AchievementStatus.CANCELLED:
        raise AchievementNotOffered("the achievement's registration is cancelled",
                                    reason="registration_cancelled")
    for evaluation_id in evaluation_ids:
        evaluation = uow.find(Evaluation, evaluation_id)
        if evaluation is not None and evaluation.subject_id == achievement_id \
                and evaluation.status is EvaluationStatus.REVOKED:
            raise AchievementNotOffered(f"evaluation {evaluation_id} of the achievement was "
                                        "revoked (Baoding item 9)", reason="evaluation_revoked")
    rights = uow.find(AchievementRights, AchievementRights.id_for(achievement_id))
    if rights is not None and any(x.binding_after(day) and not x.consents for x in rights.liens):
        # Civil Code art. 444: no transfer or license of a pledged achievement without the
        # pledgee's consent, so offering it would offer what cannot be sold.
        raise AchievementNotOffered("the achievement is pledged and the pledgee has not "
                                    "consented to a disposal", reason="pledged_without_consent")
    owner = barred_owner(uow, achievement, day)
    if owner is not None:
        raise AchievementNotOffered(f"owner {owner} is barred from trading (Baoding item 9)",
                                    reason="owner_barred_from_trading")


def barred_owner(uow: UnitOfWork, achievement: Achievement, day: date) -> UUID | None:
    """An owner of the achievement on `day` barred from trading then (Baoding item 9), if
    any: who owns it follows its registered transfers (domain.rights)."""
    rights = uow.find(AchievementRights, AchievementRights.id_for(achievement.id))
    owners = rights.owners_on(day) if rights is not None else achievement.owner_ids
    for owner in owners:
        standing = uow.find(IntegrityStanding, IntegrityStanding.id_for(owner))
        if standing is not None and standing.bar(SanctionScope.TRADING, day) is not None:
            return owner
    return None


def _require_deal(uow: UnitOfWork, contract_id: UUID, demand: TechDemand,
                  achievement_id: UUID) -> None:
    contract = uow.get(TechContract, contract_id, "contract")
    terms = contract.terms
    assert terms is not None and demand.terms is not None
    if contract.status is not ContractStatus.REGISTERED:
        raise InvalidTransition(f"contract {terms.contract_number} is {contract.status.value}, "
                                "not registered (登记完成)")
    if achievement_id not in terms.achievement_ids or terms.buyer_id != demand.terms.enterprise_id:
        raise InvalidInput("the contract must cover the matched achievement and have the "
                           "demanding enterprise as buyer", field="contract_id")
