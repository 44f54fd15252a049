"""Admin: event set-up, staff dashboard."""
