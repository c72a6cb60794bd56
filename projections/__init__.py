"""Read models fed by followers of the ledger's notification log."""
