"""Co~Learn's email: what each mail says (with its calendar entry) and the outbox sender."""
