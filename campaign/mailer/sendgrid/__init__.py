"""SendGrid: the only code that knows its SDK, its API or the names of its events.

transport.py sends through its v3 Mail Send (MAIL_TRANSPORT=sendgrid).
"""
