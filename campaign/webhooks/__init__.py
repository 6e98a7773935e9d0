"""Signed callbacks from our providers: SendGrid events, and Stripe's for donations."""
