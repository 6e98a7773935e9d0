"""Subscribers: subscribe with double opt-in, confirm, unsubscribe in one click."""
