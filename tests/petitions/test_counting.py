"""Signature counts stay exact: before and after the tally, after invalidations, under a surge.

The first tests run in the usual rolled-back transaction (SQLite and PostgreSQL alike). The
PostgreSQL ones below commit for real: confirmations, invalidations and the tally each run in
their own thread, app context and connection, as requests and the sweep do in production.
"""

import itertools
import random
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from flask import Flask, current_app
from sqlalchemy import delete, event, func, insert, select, update
from sqlalchemy.orm import Session

from campaign.content.models import Campaign
from campaign.db import utcnow
from campaign.extensions import db
from campaign.jobs import run_sweeps
from campaign.mailer.models import OutboundEmail
from campaign.petitions import counting
from campaign.petitions.counting import counts_by_country, recount, signature_count, tally_all
from campaign.petitions.models import (
    CountryCount,
    Petition,
    Signature,
    SignatureStatus,
)
from campaign.petitions.queries import MILESTONES, displayed_goal, public_petition
from campaign.petitions.signing import (
    MAX_EMAILS_PER_SIGNATURE,
    SignatureRequest,
    SigningError,
    confirm,
    confirm_url,
    sign,
    signature_to_confirm,
)
from campaign.subscribers.models import Subscriber
from tests.concurrency import NEEDS_POSTGRES, run_threads
from tests.conftest import ON_POSTGRES
from tests.factories.content import make_campaign
from tests.factories.petitions import make_petition, make_signature

_numbers = itertools.count(1)


def invalidate(signature: Signature) -> None:
    """What an organiser's "remove as spam" does to a signature."""
    signature.status = SignatureStatus.INVALIDATED
    signature.invalidated_at = utcnow()
    db.session.flush()


def truth(petition_id: int) -> Counter:
    """Confirmed signatures by country, straight from the signatures (a GROUP BY)."""
    rows = db.session.execute(
        select(Signature.country, func.count())
        .where(Signature.petition_id == petition_id, Signature.status == SignatureStatus.CONFIRMED)
        .group_by(Signature.country)
    )
    return Counter(dict(rows.all()))


def folded_by_country(petition_id: int) -> Counter:
    """What the tally has folded into petition_country_counts, without the zero rows."""
    rows = db.session.execute(
        select(CountryCount.country, CountryCount.signatures).where(
            CountryCount.petition_id == petition_id, CountryCount.signatures != 0
        )
    )
    return Counter(dict(rows.all()))


# In the rolled-back transaction: SQLite and PostgreSQL


def test_count_is_exact_before_and_after_the_tally(session):
    petition = make_petition()
    signatures = [
        make_signature(petition, confirmed=False, country=c) for c in ("GB", "GB", "FR", "DE", "FR")
    ]
    for signature in signatures[:4]:
        assert confirm(signature) is True

    # Nothing folded yet: the count comes from the confirmed rows alone.
    assert petition.counted_signatures == 0
    assert signature_count(petition) == 4
    assert counts_by_country(petition) == {"GB": 2, "FR": 1, "DE": 1}

    assert tally_all() == 4
    session.refresh(petition)
    assert petition.counted_signatures == 4
    assert signature_count(petition) == 4
    assert counts_by_country(petition) == {"GB": 2, "FR": 1, "DE": 1}
    assert folded_by_country(petition.id) == Counter({"GB": 2, "FR": 1, "DE": 1})

    # One more after the tally shows at once, before the next tally folds it.
    assert confirm(signatures[4]) is True
    assert signature_count(petition) == 5
    assert counts_by_country(petition) == {"FR": 2, "GB": 2, "DE": 1}
    assert tally_all() == 1
    assert tally_all() == 0  # nothing left to fold: a second tally changes nothing
    session.refresh(petition)
    assert petition.counted_signatures == 5


def test_confirming_twice_counts_once(session):
    petition = make_petition()
    signature = make_signature(petition, confirmed=False)

    assert confirm(signature) is True
    assert confirm(signature) is False
    tally_all()

    assert signature_count(petition) == 1


def test_pending_signatures_do_not_count(session):
    petition = make_petition()
    make_signature(petition, confirmed=False)
    make_signature(petition, confirmed=False, country="FR")

    assert signature_count(petition) == 0
    assert counts_by_country(petition) == {}
    assert tally_all() == 0


def test_invalidating_a_counted_signature_drops_the_count_at_once_and_the_tally_folds_it_out(
    session,
):
    petition = make_petition()
    spam = make_signature(petition, country="RU")
    make_signature(petition, country="GB")
    tally_all()
    session.refresh(petition)
    assert petition.counted_signatures == 2

    invalidate(spam)

    assert signature_count(petition) == 1  # before any tally
    assert counts_by_country(petition) == {"GB": 1}
    assert tally_all() == 1
    session.refresh(petition)
    session.refresh(spam)
    assert petition.counted_signatures == 1
    assert spam.counted is False
    assert signature_count(petition) == 1
    assert folded_by_country(petition.id) == Counter({"GB": 1})


def test_invalidating_a_signature_the_tally_never_counted_needs_no_folding(session):
    petition = make_petition()
    signature = make_signature(petition)

    invalidate(signature)

    assert signature_count(petition) == 0
    assert tally_all() == 0
    session.refresh(petition)
    assert petition.counted_signatures == 0


def test_an_invalidated_signature_cannot_be_confirmed_again(session):
    petition = make_petition()
    signature = make_signature(petition)
    invalidate(signature)

    with pytest.raises(SigningError, match="removed by the petition's organisers"):
        confirm(signature)
    assert signature_count(petition) == 0


def test_the_tally_folds_in_batches_until_nothing_is_left(session, monkeypatch):
    monkeypatch.setattr(counting, "TALLY_BATCH", 3)
    petition = make_petition()
    for number in range(8):
        make_signature(petition, country=("GB", "FR")[number % 2])

    assert counting.tally_petition(petition.id, limit=3) == 3
    session.refresh(petition)
    assert petition.counted_signatures == 3
    assert signature_count(petition) == 8  # folded or not, the count is the same

    assert tally_all() == 5  # the rest, in batches of three
    session.refresh(petition)
    assert petition.counted_signatures == 8
    assert folded_by_country(petition.id) == Counter({"GB": 4, "FR": 4})


def test_recount_repairs_a_deliberately_broken_counter(session):
    petition = make_petition()
    for country in ("GB", "GB", "FR"):
        make_signature(petition, country=country)
    make_signature(petition, confirmed=False)  # pending: never counts
    tally_all()
    # Break everything the tally keeps: the total, a country's count, a stray country.
    session.execute(
        update(Petition).where(Petition.id == petition.id).values(counted_signatures=999)
    )
    session.execute(
        update(CountryCount)
        .where(CountryCount.petition_id == petition.id, CountryCount.country == "GB")
        .values(signatures=40)
    )
    session.execute(
        insert(CountryCount).values(petition_id=petition.id, country="JP", signatures=7)
    )
    session.refresh(petition)
    assert signature_count(petition) == 999  # the broken counter shows

    before, after = recount(petition)

    assert (before, after) == (999, 3)
    assert petition.counted_signatures == 3
    assert signature_count(petition) == 3
    assert counts_by_country(petition) == {"GB": 2, "FR": 1}
    assert folded_by_country(petition.id) == Counter({"GB": 2, "FR": 1})
    assert tally_all() == 0  # recount left nothing for the tally to fold


def test_recount_also_flags_rows_so_the_tally_does_not_fold_them_twice(session):
    petition = make_petition()
    make_signature(petition)
    make_signature(petition)

    recount(petition)  # before any tally: recount counts them and marks them counted

    assert tally_all() == 0
    session.refresh(petition)
    assert petition.counted_signatures == 2
    assert signature_count(petition) == 2


def test_the_tally_runs_on_every_sweep(session):
    petition = make_petition()
    make_signature(petition)

    run_sweeps()

    session.refresh(petition)
    assert petition.counted_signatures == 1


@pytest.mark.parametrize(
    ("count", "goal", "shown"),
    [
        (0, 1000, 1000),
        (999, 1000, 1000),
        (1000, 1000, 2500),  # reached: the next milestone above the count
        (1001, 1000, 2500),
        (2500, 1000, 5000),
        (99, 50, 100),
        (100, 50, 250),
        (12_345, 10_000, 25_000),
        (10_000_000, 1000, 20_000_000),  # past the last milestone: double
    ],
)
def test_displayed_goal_moves_to_the_next_milestone_once_reached(count, goal, shown):
    assert displayed_goal(count, goal) == shown
    assert displayed_goal(count, goal) > count or count < goal


def test_milestones_only_go_up():
    assert list(MILESTONES) == sorted(set(MILESTONES))


# Really committed, with threads and connections of their own: PostgreSQL only


class CommittedPetition:
    """A petition committed for real, with helpers to add rows; its rows are deleted after."""

    def __init__(self) -> None:
        campaign = make_campaign()
        self.petition = make_petition(campaign=campaign)
        self.id = self.petition.id
        self.campaign_id = campaign.id
        db.session.commit()

    def add_signatures(self, how_many: int, status: str = SignatureStatus.PENDING) -> list[int]:
        """Insert signatures in one statement, spread over a few countries; their ids."""
        start = next(_numbers) * 100_000
        rows = [
            {
                "petition_id": self.id,
                "name": f"Signer {start + n}",
                "email": f"surge{start + n}@example.org",
                "country": ("GB", "FR", "DE", "US", "TR")[n % 5],
                "status": status,
                "confirmed_at": utcnow() if status == SignatureStatus.CONFIRMED else None,
            }
            for n in range(how_many)
        ]
        ids = db.session.scalars(insert(Signature).returning(Signature.id), rows).all()
        db.session.commit()
        return list(ids)

    def cleanup(self) -> None:
        db.session.rollback()
        emails = select(Signature.email).where(Signature.petition_id == self.id)
        db.session.execute(delete(Subscriber).where(Subscriber.email.in_(emails)))
        db.session.execute(delete(OutboundEmail).where(OutboundEmail.to_address.in_(emails)))
        db.session.execute(delete(CountryCount).where(CountryCount.petition_id == self.id))
        db.session.execute(delete(Signature).where(Signature.petition_id == self.id))
        db.session.execute(delete(Petition).where(Petition.id == self.id))
        db.session.execute(delete(Campaign).where(Campaign.id == self.campaign_id))
        db.session.commit()


@pytest.fixture
def committed_petition(app: Flask) -> Iterator[CommittedPetition]:
    """An open petition really committed to the test database; its rows are removed after."""
    if not ON_POSTGRES:
        pytest.skip(NEEDS_POSTGRES)
    with app.app_context():
        made = CommittedPetition()
        try:
            yield made
        finally:
            made.cleanup()
            db.session.remove()


def confirmer(ids: list[int]) -> Callable[[], None]:
    """A worker that confirms each signature in its own transaction, as the confirm view does."""

    def work() -> None:
        for signature_id in ids:
            confirm(db.session.get(Signature, signature_id))
            db.session.commit()

    return work


def invalidator(ids: list[int]) -> Callable[[], None]:
    def work() -> None:
        for signature_id in ids:
            invalidate(db.session.get(Signature, signature_id))
            db.session.commit()

    return work


class TallyLoop:
    """A worker that runs the tally over and over until the others are done."""

    def __init__(self) -> None:
        self.stop = threading.Event()
        self.rounds = 0
        self.folded = 0

    def __call__(self) -> None:
        deadline = utcnow() + timedelta(seconds=15)
        while not self.stop.is_set() and utcnow() < deadline:
            self.folded += tally_all()
            self.rounds += 1

    def until(self, workers: list[Callable[[], None]]) -> list[Callable[[], None]]:
        """`workers`, each setting `stop` once all of them have finished."""
        remaining = [len(workers)]
        lock = threading.Lock()

        def finishing(work: Callable[[], None]) -> Callable[[], None]:
            def wrapped() -> None:
                try:
                    work()
                finally:
                    with lock:
                        remaining[0] -= 1
                        if remaining[0] == 0:
                            self.stop.set()

            return wrapped

        return [finishing(work) for work in workers]


def assert_exact(committed: CommittedPetition, session: Session) -> int:
    """The live count and by-country figures match a GROUP BY, before and after a last tally."""
    session.expire_all()
    petition = session.get(Petition, committed.id)
    expected = truth(committed.id)
    assert signature_count(petition) == expected.total()
    assert counts_by_country(petition) == dict(expected)

    tally_all()
    session.refresh(petition)
    assert petition.counted_signatures == expected.total()
    assert folded_by_country(committed.id) == expected
    assert signature_count(petition) == expected.total()
    unfolded = session.scalar(
        select(func.count()).where(
            Signature.petition_id == committed.id,
            (Signature.status == SignatureStatus.CONFIRMED) != Signature.counted,
        )
    )
    assert unfolded == 0
    return expected.total()


THREADS = 8
PER_THREAD = 40


@pytest.mark.postgres
@pytest.mark.skipif(not ON_POSTGRES, reason=NEEDS_POSTGRES)
def test_confirmations_racing_the_tally_are_counted_exactly(app, committed_petition):
    ids = committed_petition.add_signatures(THREADS * PER_THREAD)
    untouched = committed_petition.add_signatures(7)  # stay pending: must never count
    tally = TallyLoop()
    confirmers = [confirmer(ids[n::THREADS]) for n in range(THREADS)]

    run_threads(app, [tally, *tally.until(confirmers)])

    assert len(untouched) == 7
    assert tally.folded > 0, "the tally never ran during the surge"
    assert assert_exact(committed_petition, db.session) == THREADS * PER_THREAD


@pytest.mark.postgres
@pytest.mark.skipif(not ON_POSTGRES, reason=NEEDS_POSTGRES)
def test_invalidations_and_confirmations_racing_the_tally_are_counted_exactly(
    app, committed_petition
):
    # Half already counted, half already confirmed but not yet folded, plus new pending ones.
    counted = committed_petition.add_signatures(120, SignatureStatus.CONFIRMED)
    tally_all()
    unfolded = committed_petition.add_signatures(80, SignatureStatus.CONFIRMED)
    pending = committed_petition.add_signatures(160)
    chooser = random.Random(7)
    doomed = chooser.sample(counted, 50) + chooser.sample(unfolded, 30)
    chooser.shuffle(doomed)
    tally = TallyLoop()
    workers = [confirmer(pending[n::4]) for n in range(4)]
    workers += [invalidator(doomed[n::4]) for n in range(4)]

    run_threads(app, [tally, *tally.until(workers)])

    assert tally.folded >= 80  # at least the unfolded ones it found at the start
    assert assert_exact(committed_petition, db.session) == 120 + 80 + 160 - 50 - 30


@pytest.mark.postgres
@pytest.mark.skipif(not ON_POSTGRES, reason=NEEDS_POSTGRES)
def test_two_tallies_at_once_fold_each_signature_once(app, committed_petition, monkeypatch):
    committed_petition.add_signatures(600, SignatureStatus.CONFIRMED)

    # Small batches so the two tallies take turns on the same petition.
    monkeypatch.setattr(counting, "TALLY_BATCH", 25)
    folded: list[int] = []

    run_threads(app, [lambda: folded.append(tally_all()) for _ in range(2)])

    assert sum(folded) == 600
    assert assert_exact(committed_petition, db.session) == 600


@contextmanager
def tally_commits_just_before(fragment: str) -> Iterator[list[int]]:
    """Run a whole tally in another thread right before this thread's next query with `fragment`.

    This pins down the moment a surge makes likely: the sweep commits between two statements
    of one page view. Yields the list that receives what the tally folded.
    """
    folded: list[int] = []
    me = threading.get_ident()
    app = current_app._get_current_object()

    def tally_in_its_own_thread() -> None:
        with app.app_context():
            try:
                folded.append(tally_all())
            finally:
                db.session.remove()

    def before_execute(conn, cursor, statement, parameters, context, executemany) -> None:
        if threading.get_ident() == me and not folded and fragment in statement:
            thread = threading.Thread(target=tally_in_its_own_thread)
            thread.start()
            thread.join(timeout=10)

    event.listen(db.engine, "before_cursor_execute", before_execute)
    try:
        yield folded
    finally:
        event.remove(db.engine, "before_cursor_execute", before_execute)


@pytest.mark.postgres
@pytest.mark.skipif(not ON_POSTGRES, reason=NEEDS_POSTGRES)
def test_the_count_stays_exact_when_the_tally_commits_in_the_middle_of_a_page_view(
    app, committed_petition
):
    committed_petition.add_signatures(10, SignatureStatus.CONFIRMED)  # confirmed, not folded
    slug = committed_petition.petition.slug
    db.session.expire_all()

    with tally_commits_just_before("FROM signatures"):
        petition = public_petition(slug)  # what every petition view does first
        count = signature_count(petition)

    assert count == 10


@pytest.mark.postgres
@pytest.mark.skipif(not ON_POSTGRES, reason=NEEDS_POSTGRES)
def test_counts_by_country_stay_exact_when_the_tally_commits_in_the_middle(app, committed_petition):
    committed_petition.add_signatures(10, SignatureStatus.CONFIRMED)
    petition = db.session.get(Petition, committed_petition.id)

    with tally_commits_just_before("FROM signatures"):
        by_country = counts_by_country(petition)

    assert sum(by_country.values()) == 10


@pytest.mark.postgres
@pytest.mark.skipif(not ON_POSTGRES, reason=NEEDS_POSTGRES)
def test_a_recount_while_the_tally_folds_does_not_deadlock(app, committed_petition):
    committed_petition.add_signatures(50, SignatureStatus.CONFIRMED)  # for the tally to fold
    tally_threads: set[int] = set()
    recount_threads: set[int] = set()
    tally_holds_rows, recount_is_waiting = threading.Event(), threading.Event()

    def before_execute(conn, cursor, statement, parameters, context, executemany) -> None:
        # Pin the interleaving: the tally has locked its batch and is about to add it to the
        # petition; the recount has locked the petition and waits for the batch's rows.
        me = threading.get_ident()
        if me in tally_threads and statement.startswith("UPDATE petitions"):
            tally_holds_rows.set()
            recount_is_waiting.wait(timeout=5)
            time.sleep(0.3)  # the recount's UPDATE is now queued behind our row locks
        elif me in recount_threads and statement.startswith("UPDATE signatures"):
            recount_is_waiting.set()

    def tally() -> None:
        tally_threads.add(threading.get_ident())
        tally_all()

    def recount_now() -> None:
        recount_threads.add(threading.get_ident())
        tally_holds_rows.wait(timeout=5)
        recount(db.session.get(Petition, committed_petition.id))
        db.session.commit()

    event.listen(db.engine, "before_cursor_execute", before_execute)
    try:
        run_threads(app, [tally, recount_now])
    finally:
        event.remove(db.engine, "before_cursor_execute", before_execute)

    assert assert_exact(committed_petition, db.session) == 50


def in_another_session(app: Flask, work: Callable[[], None]) -> None:
    """Run `work` and commit in a thread and session of its own, and wait for it."""
    run_threads(app, [lambda: (work(), db.session.commit())])


@pytest.mark.postgres
@pytest.mark.skipif(not ON_POSTGRES, reason=NEEDS_POSTGRES)
def test_a_signature_removed_while_its_link_is_being_pressed_is_not_counted(
    app, committed_petition
):
    [signature_id] = committed_petition.add_signatures(1)
    # The confirm view has read the signature from its link; before it confirms, an organiser
    # removes the signature as spam and commits.
    signature = db.session.get(Signature, signature_id)
    in_another_session(app, lambda: invalidate(db.session.get(Signature, signature_id)))

    with pytest.raises(SigningError):
        confirm(signature)
    db.session.commit()

    assert assert_exact(committed_petition, db.session) == 0
    assert db.session.get(Signature, signature_id).status == SignatureStatus.INVALIDATED


@pytest.mark.postgres
@pytest.mark.skipif(not ON_POSTGRES, reason=NEEDS_POSTGRES)
def test_the_same_link_pressed_twice_at_once_confirms_once(app, committed_petition):
    [signature_id] = committed_petition.add_signatures(1)
    signature = db.session.get(Signature, signature_id)  # the second press has read it too
    confirmed_first: list[bool] = []
    in_another_session(
        app, lambda: confirmed_first.append(confirm(db.session.get(Signature, signature_id)))
    )

    confirmed_again = confirm(signature)
    db.session.commit()

    assert (confirmed_first, confirmed_again) == ([True], False)
    assert assert_exact(committed_petition, db.session) == 1


@pytest.mark.postgres
@pytest.mark.skipif(not ON_POSTGRES, reason=NEEDS_POSTGRES)
def test_presses_of_one_link_from_many_threads_count_once(app, committed_petition):
    [signature_id] = committed_petition.add_signatures(1)
    outcomes: list[bool] = []

    def press() -> None:
        outcomes.append(confirm(db.session.get(Signature, signature_id)))
        db.session.commit()

    run_threads(app, [press for _ in range(8)])

    assert sorted(outcomes) == [False] * 7 + [True]
    assert assert_exact(committed_petition, db.session) == 1


@pytest.mark.postgres
@pytest.mark.skipif(not ON_POSTGRES, reason=NEEDS_POSTGRES)
def test_presses_read_under_a_lock_from_the_link_count_once(app, committed_petition):
    # The confirm view's own path: the link's read takes the lock, and confirm trusts it.
    [signature_id] = committed_petition.add_signatures(1)
    token = confirm_url(db.session.get(Signature, signature_id)).rsplit("/", 1)[1]
    petition_id = committed_petition.id
    outcomes: list[bool] = []

    def press() -> None:
        petition = db.session.get(Petition, petition_id)
        signature = signature_to_confirm(petition, token, for_update=True)
        outcomes.append(confirm(signature, locked=True))
        db.session.commit()

    run_threads(app, [press for _ in range(8)])

    assert sorted(outcomes) == [False] * 7 + [True]
    assert assert_exact(committed_petition, db.session) == 1


@contextmanager
def sign_and_confirm_meanwhile(
    app: Flask, committed: CommittedPetition, fragment: str
) -> Iterator[list[bool]]:
    """Before this thread's next statement containing `fragment`, a new signer signs and
    confirms from another thread; yields a list that holds True once that finished in time."""
    me = threading.get_ident()
    finished: list[bool] = []

    def sign_and_confirm() -> None:
        signature = make_signature(db.session.get(Petition, committed.id), confirmed=False)
        db.session.commit()
        confirm(signature)
        db.session.commit()
        finished.append(True)

    def in_its_own_context() -> None:
        with app.app_context():
            try:
                sign_and_confirm()
            finally:
                db.session.rollback()
                db.session.remove()

    def before_execute(conn, cursor, statement, parameters, context, executemany) -> None:
        if threading.get_ident() == me and not started and fragment in statement:
            started.append(threading.Thread(target=in_its_own_context))
            started[0].start()
            started[0].join(timeout=3)  # a signer waiting longer than this is stuck behind us

    started: list[threading.Thread] = []
    event.listen(db.engine, "before_cursor_execute", before_execute)
    try:
        yield finished
    finally:
        event.remove(db.engine, "before_cursor_execute", before_execute)
        if started:
            started[0].join(timeout=10)


@pytest.mark.postgres
@pytest.mark.skipif(not ON_POSTGRES, reason=NEEDS_POSTGRES)
def test_signing_and_confirming_do_not_wait_for_a_recount_and_are_counted_once(
    app, committed_petition
):
    committed_petition.add_signatures(20, SignatureStatus.CONFIRMED)

    # The recount has flagged the rows and is about to count them.
    meanwhile = sign_and_confirm_meanwhile(app, committed_petition, "count(")
    with meanwhile as done, app.app_context():
        recount(db.session.get(Petition, committed_petition.id))
        in_time = list(done)
        db.session.commit()
        db.session.remove()

    assert in_time == [True]
    assert assert_exact(committed_petition, db.session) == 21


@pytest.mark.postgres
@pytest.mark.skipif(not ON_POSTGRES, reason=NEEDS_POSTGRES)
def test_signing_and_confirming_do_not_wait_for_the_tally(app, committed_petition):
    committed_petition.add_signatures(20, SignatureStatus.CONFIRMED)

    # The tally holds its batch and is about to add it to the petition's counter.
    meanwhile = sign_and_confirm_meanwhile(app, committed_petition, "UPDATE petitions")
    with meanwhile as done, app.app_context():
        tally_all()
        in_time = list(done)
        db.session.remove()

    assert in_time == [True]
    assert assert_exact(committed_petition, db.session) == 21


@pytest.mark.postgres
@pytest.mark.skipif(not ON_POSTGRES, reason=NEEDS_POSTGRES)
def test_many_sign_ups_with_one_address_at_once_send_at_most_three_emails(app, committed_petition):
    request = SignatureRequest(name="Ana Lima", email="ana.surge@example.org", country="PT")

    def sign_up() -> None:
        sign(db.session.get(Petition, committed_petition.id), request)
        db.session.commit()

    run_threads(app, [sign_up for _ in range(12)])

    db.session.expire_all()
    [signature] = db.session.scalars(
        select(Signature).where(Signature.petition_id == committed_petition.id)
    ).all()
    mails = db.session.scalar(
        select(func.count()).where(OutboundEmail.to_address == "ana.surge@example.org")
    )
    assert mails == signature.emails_sent == MAX_EMAILS_PER_SIGNATURE


@pytest.mark.postgres
@pytest.mark.skipif(not ON_POSTGRES, reason=NEEDS_POSTGRES)
def test_one_address_signing_from_many_requests_at_once_signs_once(app, committed_petition):
    def signer() -> None:
        petition = db.session.get(Petition, committed_petition.id)
        request = SignatureRequest(name="Ayşe", email="Same.Person@example.org", country="TR")
        sign(petition, request)
        db.session.commit()

    run_threads(app, [signer] * THREADS)

    signatures = db.session.scalars(
        select(Signature).where(Signature.petition_id == committed_petition.id)
    ).all()
    emails = db.session.scalars(
        select(OutboundEmail.template).where(OutboundEmail.to_address == "same.person@example.org")
    ).all()
    assert [signature.email for signature in signatures] == ["same.person@example.org"]
    assert signatures[0].emails_sent == len(emails) <= MAX_EMAILS_PER_SIGNATURE
    assert emails[0] == "petition_confirm"
