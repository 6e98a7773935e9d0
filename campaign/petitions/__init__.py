"""Petitions: sign with double opt-in, count, moderate, deliver."""
