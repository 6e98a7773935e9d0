"""SendGrid: the only code that knows its SDK, its API or the names of its events.

transport.py sends through its v3 Mail Send (MAIL_TRANSPORT=sendgrid); webhook.py checks that
a request to /webhooks/sendgrid is signed by SendGrid and reads its events; events.py turns
each event into a MailEvent of ours, which mailer/suppression.py applies once.
"""
