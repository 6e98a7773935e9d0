"""Signed callbacks from our providers: SendGrid events (and Stripe, with donations)."""
