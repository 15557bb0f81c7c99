"""After the invoice: the lifecycle status messages (CDAR) a provider hands to its
plateforme agréée — 212 Encaissée per payment when VAT is due on receipt, 207 En litige per
dispute — and the payments recorded in the ledger (`contratgen paid`, `contratgen status`)."""
