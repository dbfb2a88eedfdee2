"""Services of the between-visits app: every write in one transaction with its audit event."""
