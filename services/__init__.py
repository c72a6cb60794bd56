"""Application layer: the Ledger application, settings, persistence and transcoding."""
