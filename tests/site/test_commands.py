import re

from sqlalchemy import func, select

from campaign.accounts.models import User
from campaign.accounts.passwords import verify_password
from campaign.content.models import Campaign, Explainer, ExplainerStatus
from campaign.demo.loader import load_demo


def test_create_admin_reads_the_password_from_stdin(app, session):
    result = app.test_cli_runner().invoke(
        args=["create-admin", "Founder@Example.org", "--password-stdin"],
        input="a long enough passphrase\n",
    )

    assert result.exit_code == 0, result.output
    user = session.scalar(select(User).where(User.email == "founder@example.org"))
    assert user.role == "admin"
    assert verify_password(user.password_hash, "a long enough passphrase")


def test_create_admin_refuses_a_bad_email_with_exit_code_2(app, session):
    result = app.test_cli_runner().invoke(
        args=["create-admin", "not-an-email", "--password-stdin"], input="a long enough one\n"
    )

    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        "Error: Enter a valid email address, like name@example.org."
    ]
    assert session.scalar(select(func.count()).select_from(User)) == 0


def test_create_admin_refuses_a_short_password_and_a_taken_email(app, session):
    runner = app.test_cli_runner()

    short = runner.invoke(args=["create-admin", "a@example.org", "--password-stdin"], input="x\n")
    assert short.exit_code == 2
    assert "at least 12 characters" in short.output

    runner.invoke(args=["create-admin", "a@example.org", "--password-stdin"], input="p" * 12)
    taken = runner.invoke(
        args=["create-admin", "a@example.org", "--password-stdin"], input="q" * 12
    )
    assert taken.exit_code == 2
    assert "already exists" in taken.output


def test_demo_load_creates_the_campaign_once(session):
    first = load_demo()
    second = load_demo()

    assert "campaign china-cables" in first.created
    assert second.created == []
    assert session.scalar(select(func.count()).select_from(Campaign)) == 1
    explainers = session.scalars(select(Explainer).order_by(Explainer.position)).all()
    assert len(explainers) >= 3
    assert all(each.status == ExplainerStatus.PUBLISHED for each in explainers)
    assert all(len(each.links) == 3 for each in explainers)
    assert first.organiser_password and second.organiser_password is None


def test_demo_signers_say_in_their_own_words_why_they_signed(client, session):
    from campaign.petitions.models import CommentStatus, Signature

    load_demo()
    session.commit()
    approved = Signature.comment_status == CommentStatus.APPROVED
    comments = session.scalars(select(Signature.comment).where(approved)).all()

    page = client.get("/petitions/un-access-xinjiang").get_data(as_text=True)

    assert len(comments) >= 9
    assert len(set(comments)) == len(comments)  # no sentence said twice
    shown = re.findall(r'<blockquote class="comment"><p>([^<]+)</p>', page)
    assert len(shown) >= 9 and len(set(shown)) == len(shown)


def test_demo_pages_render_and_link_to_the_sources(client, session):
    load_demo()
    session.commit()

    hub = client.get("/c/china-cables").get_data(as_text=True)
    article = client.get("/explainers/how-the-ijop-surveillance-platform-works")

    assert "The China Cables" in hub
    assert article.status_code == 200
    html = article.get_data(as_text=True)
    for source in ("icij.org", "amnesty.org", "ohchr.org"):
        assert source in html
    assert '<img src="/static/demo/ijop-flow.svg"' in html


def test_demo_load_if_empty_leaves_a_site_with_content_alone(app, session):
    load_demo()
    session.commit()

    result = app.test_cli_runner().invoke(args=["demo", "load", "--if-empty"])

    assert result.exit_code == 0
    assert "already has content" in result.output


def test_healthz_reports_the_database(client, session):
    assert client.get("/healthz").get_json() == {"status": "ok", "database": "ok"}


def test_demo_has_subscribers_and_a_draft_update_ready_to_send(session, tmp_path):
    from campaign.mailer.transports.outbox import FileTransport
    from campaign.updates.audience import audience_size
    from campaign.updates.models import Update, UpdateStatus
    from campaign.updates.sending import run, start

    load_demo()
    session.commit()
    update = session.scalar(select(Update).where(Update.slug == "the-cables-are-out"))

    assert update.status == UpdateStatus.DRAFT
    assert update.cta_petition.slug == "un-access-xinjiang"
    assert audience_size(update) == 24

    start(update)
    report = run(update.id, transport=FileTransport(tmp_path))

    assert report.sent == 24
    assert update.published_at is not None
    assert len(list(tmp_path.glob("*.eml"))) == 24


def test_demo_load_beside_a_petition_with_the_demo_slug_leaves_it_alone(session):
    from campaign.petitions.models import Petition, Signature
    from campaign.updates.models import Update
    from tests.factories.content import make_campaign
    from tests.factories.petitions import make_petition

    theirs = make_petition(campaign=make_campaign(slug="their-campaign"), slug="un-access-xinjiang")
    session.commit()

    first = load_demo()
    second = load_demo()

    assert "petition un-access-xinjiang" in first.kept
    assert second.created == []
    assert session.scalars(select(Petition)).all() == [theirs]
    assert session.scalar(select(func.count()).select_from(Signature)) == 0
    update = session.scalar(select(Update).where(Update.slug == "the-cables-are-out"))
    # The demo update goes to the demo campaign's subscribers: not to another campaign's petition.
    assert update.cta_petition is None
