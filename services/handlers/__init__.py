"""Command methods of the Ledger, one mixin per area."""
