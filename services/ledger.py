"""The Ledger: the only command surface of techledger (one eventsourcing Application)."""

from __future__ import annotations

from services.handlers.access import AccessCommands
from services.handlers.achievements import AchievementCommands
from services.handlers.contract_registration import ContractRegistrationCommands
from services.handlers.demands import DemandCommands
from services.handlers.evaluations import EvaluationCommands
from services.handlers.integrity import IntegrityCommands
from services.handlers.market_events import MarketEventCommands
from services.handlers.matches import MatchCommands
from services.handlers.parties import PartyCommands
from services.handlers.pledges import PledgeCommands
from services.handlers.projects import ProjectCommands
from services.handlers.trades import TradeCommands
from services.handlers.valuations import ValuationCommands


class Ledger(PartyCommands, ProjectCommands, AchievementCommands, EvaluationCommands,
             TradeCommands, ContractRegistrationCommands, PledgeCommands, ValuationCommands,
             IntegrityCommands, DemandCommands, MatchCommands, MarketEventCommands,
             AccessCommands):
    """Commands are methods; each saves all the aggregates it changes in one transaction."""
