"""Petition outcomes: what happened after the signatures, on its page and told to signers."""
