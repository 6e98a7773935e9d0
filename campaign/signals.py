"""The hooks through which features hear from, and offer to, one another.

Each is a blinker signal sent by the app (`current_app._get_current_object()`), as Flask's own
signals are, with what it is about as keyword arguments. A feature connects its receivers for
an app in its `init_app`, so a service module imported anywhere (a Celery worker, say) never
wires anything by being imported. Blinker calls receivers in no set order: the code that sends
a signal puts what it gathers in order itself.
"""

from blinker import Namespace

_signals = Namespace()

sweep = _signals.signal(
    "sweep",
    doc="""Periodic upkeep, sent by `campaign.jobs.run_sweeps` every sweep.

    Receivers take the app, commit their own work and are safe to run in two processes at
    once; one that returns True has more to do at once (a sending update), and the dispatcher
    thread comes straight back. A receiver that raises is rolled back and logged, and the
    others still run.
    """,
)

mail_event = _signals.signal(
    "mail-event",
    doc="""A provider's report on a message of ours, `event=` a `MailEvent`, seen once.

    Sent by `campaign.mailer.suppression.apply_mail_event` before it applies the event, for the
    features that keep rows of their own about their mail (an update's deliveries). What a
    receiver raises fails the event, inside its savepoint.
    """,
)

calls_to_action = _signals.signal(
    "calls-to-action",
    doc="""The actions a campaign offers now, `campaign=` a `Campaign`.

    Each receiver returns a list of `campaign.content.calls_to_action.CallToAction` of one
    kind; `calls_to_action()` there sends this and orders what comes back.
    """,
)

hub_section = _signals.signal(
    "hub-section",
    doc="""One section of a campaign's hub page, `campaign=` a `Campaign`.

    Each receiver returns a `campaign.content.hub_sections.HubSection`, with no links when it
    has nothing to show; `hub_sections()` there sends this and orders what comes back.
    """,
)
