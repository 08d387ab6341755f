"""Papers people keep: the receipt slip, the e-receipt, results signed by the office, and their
verification. A utility like i18n/: it imports only core/ and i18n/, and api/ and payments/ use it."""
