"""Valuations of achievements (资产评估): Baoding items 11 and 13; DOMAIN.md, Valuation."""

from __future__ import annotations

from uuid import UUID

from domain.errors import WrongPartyKind
from domain.party import Party
from domain.valuation import APPRAISER_KINDS, Valuation, ValuationReportTaken, check_report
from services import valuation_commands as v
from services.core import LedgerCore
from services.handlers.results import Created
from services.handlers.trades import registered_achievement
from services.idempotency import request_digest
from services.uow import Outcome, UnitOfWork


class ValuationCommands(LedgerCore):
    def record_valuation(self, cmd: v.RecordValuation, *, actor: str) -> Outcome[Created]:
        """Record an appraisal report on a registered achievement. The report number is the
        idempotency key: the same body again replays, another body is refused (409)."""

        def work(uow: UnitOfWork) -> Created:
            day = self.effective(cmd.effective_date)
            report = check_report(cmd.report, day)
            digest = request_digest(cmd)
            existing = uow.find(Valuation, Valuation.id_for(report.achievement_id,
                                                            report.report_number))
            if existing is not None:
                if existing.request_digest != digest:
                    raise ValuationReportTaken(
                        f"report {report.report_number} is already recorded on this achievement",
                        report_number=report.report_number)
                return Created(existing.id, replayed=True)
            registered_achievement(uow, report.achievement_id)
            self._check_appraiser(uow, report.appraiser_id)
            valuation = Valuation.record(report, request_digest=digest, effective_date=day,
                                         actor=actor)
            uow.add(valuation)
            return Created(valuation.id, replayed=False)

        return self.execute(work)

    def withdraw_valuation(self, cmd: v.WithdrawValuation, *, actor: str) -> Outcome[None]:
        """The report was found defective: it stays in the history but no longer counts."""

        def work(uow: UnitOfWork) -> None:
            uow.get(Valuation, cmd.valuation_id, "valuation").withdraw(
                cmd.reason, effective_date=self.effective(cmd.effective_date), actor=actor)

        return self.execute(work)

    @staticmethod
    def _check_appraiser(uow: UnitOfWork, appraiser_id: UUID) -> None:
        appraiser = uow.get(Party, appraiser_id, "party")
        if appraiser.kind not in APPRAISER_KINDS:
            raise WrongPartyKind(f"{appraiser.name} ({appraiser.kind.value}) is not an appraisal "
                                 "firm (资产评估机构)", field="appraiser_id")
