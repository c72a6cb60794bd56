"""The registry's steps on an accepted contract (技术合同登记): complete, refuse, correction
(补正) and disputes; service levels in domain/registration_service.py [N]."""

from __future__ import annotations

from domain.contract import TechContract
from services import trade_commands as t
from services.core import LedgerCore
from services.handlers.trades import complete_registration
from services.uow import Outcome, UnitOfWork


class ContractRegistrationCommands(LedgerCore):
    def complete_contract_registration(self, cmd: t.RegistrationStep, *,
                                       actor: str) -> Outcome[None]:
        """登记完成 once nothing holds the case; the rights change in the same save."""

        def work(uow: UnitOfWork) -> None:
            contract = uow.get(TechContract, cmd.contract_id, "contract")
            complete_registration(uow, contract, self.effective(cmd.effective_date), actor)

        return self.execute(work)

    def refuse_contract_registration(self, cmd: t.RegistrationStep, *,
                                     actor: str) -> Outcome[None]:
        """不予登记: the contract never touched the achievements' rights."""

        def work(uow: UnitOfWork) -> None:
            uow.get(TechContract, cmd.contract_id, "contract").refuse(
                reason=cmd.reason, effective_date=self.effective(cmd.effective_date),
                actor=actor)

        return self.execute(work)

    def request_contract_correction(self, cmd: t.RegistrationStep, *,
                                    actor: str) -> Outcome[None]:
        def work(uow: UnitOfWork) -> None:
            uow.get(TechContract, cmd.contract_id, "contract").request_correction(
                reason=cmd.reason, effective_date=self.effective(cmd.effective_date),
                actor=actor)

        return self.execute(work)

    def submit_contract_correction(self, cmd: t.AmendContract, *,
                                   actor: str) -> Outcome[None]:
        def work(uow: UnitOfWork) -> None:
            uow.get(TechContract, cmd.contract_id, "contract").submit_correction(
                turnover=cmd.turnover, transaction_amount=cmd.transaction_amount,
                term_end=cmd.term_end, note=cmd.note,
                effective_date=self.effective(cmd.effective_date), actor=actor)

        return self.execute(work)

    def raise_contract_dispute(self, cmd: t.RaiseDispute, *, actor: str) -> Outcome[int]:
        """Returns the dispute's number on the contract."""

        def work(uow: UnitOfWork) -> int:
            return uow.get(TechContract, cmd.contract_id, "contract").raise_dispute(
                raised_by=cmd.raised_by, reason=cmd.reason,
                effective_date=self.effective(cmd.effective_date), actor=actor)

        return self.execute(work)

    def resolve_contract_dispute(self, cmd: t.ResolveDispute, *, actor: str) -> Outcome[None]:
        """Upheld: the registration is refused in the same save."""

        def work(uow: UnitOfWork) -> None:
            uow.get(TechContract, cmd.contract_id, "contract").resolve_dispute(
                cmd.number, upheld=cmd.upheld, note=cmd.note,
                effective_date=self.effective(cmd.effective_date), actor=actor)

        return self.execute(work)
