"""Staff side of participants: list, edit, status, import/export, walk-ins, and the mail outbox page."""
