"""Load: YAML with positions, the typed client model, the ledger."""
