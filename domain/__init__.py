"""Pure domain model of the technology-market ledger: aggregates, events, values, rules."""
