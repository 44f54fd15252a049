"""Public side: event pages, sign-up, manage-my-registration."""
