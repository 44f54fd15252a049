"""Staff accounts: login, roles, API tokens."""
