"""Organiser accounts: signing in and out, one's own password, and the organisers console."""
