"""The unsubscribe links an update carries: signed a batch at a time, read like any other."""

import itsdangerous

from campaign.mailer.transports.outbox import FileTransport
from campaign.subscribers.models import SubscriberStatus
from campaign.subscribers.subscriptions import subscriber_to_unsubscribe, unsubscribe_url
from campaign.updates.links import unsubscribe_links
from campaign.updates.sending import run, start
from tests.factories.subscribers import local, make_subscriber
from tests.factories.updates import emails_in, make_update

ONE_CLICK = {"List-Unsubscribe": "One-Click"}


def test_a_batch_link_is_the_link_unsubscribe_url_makes(session, monkeypatch):
    people = [make_subscriber(email=f"same{n}@example.org") for n in range(3)]
    # Both sign with the clock; one fixed second makes them comparable byte for byte.
    monkeypatch.setattr(itsdangerous.TimestampSigner, "get_timestamp", lambda signer: 1_750_000_000)

    links = unsubscribe_links()

    assert [links(person) for person in people] == [unsubscribe_url(p) for p in people]
    token = links(people[1]).rsplit("/", 1)[1]
    assert subscriber_to_unsubscribe(token) == people[1]


def test_each_update_email_carries_a_working_unsubscribe_link_of_its_own(client, session, tmp_path):
    leaving = make_subscriber(email="leaving@example.org")
    staying = make_subscriber(email="staying@example.org")
    update = make_update()
    session.commit()
    start(update)
    run(update.id, transport=FileTransport(tmp_path))

    messages = {message["To"]: message for message in emails_in(tmp_path)}
    links = {to: message["List-Unsubscribe"].strip("<>") for to, message in messages.items()}
    assert links["leaving@example.org"] != links["staying@example.org"]
    footer = messages["leaving@example.org"].get_body(("plain",)).get_content()
    assert links["leaving@example.org"] in footer

    answer = client.post(local(links["leaving@example.org"]), data=ONE_CLICK)

    assert answer.status_code == 200
    session.refresh(leaving)
    session.refresh(staying)
    assert leaving.status == SubscriberStatus.UNSUBSCRIBED
    assert staying.status == SubscriberStatus.ACTIVE
