"""Donations: appeals, Stripe Checkout once or monthly, webhooks as the only truth, receipts."""
