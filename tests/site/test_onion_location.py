"""With SITE_ONION_URL set, public pages read on the clear-web site tell Tor Browser the onion
address of the same page (the Onion-Location header); the console, errors and the onion host
itself do not, and a malformed address stops start-up with one line."""

import subprocess

import pytest

from tests.processes import ROOT

# An address of the right shape: 56 base32 letters.
ONION = "http://" + "campaign2" * 6 + "ab.onion"


@pytest.fixture
def onion(app, monkeypatch):
    monkeypatch.setitem(app.config, "SITE_ONION_URL", ONION)
    return ONION


@pytest.mark.parametrize("path", ["/", "/ug/", "/privacy", "/subscribe?from=hub"])
def test_a_public_page_names_the_same_page_on_the_onion_service(client, session, onion, path):
    response = client.get(path)

    assert response.status_code == 200
    assert response.headers["Onion-Location"] == onion + path


def test_the_console_and_errors_name_no_onion_address(client, session, auth, onion):
    assert "Onion-Location" not in client.get("/admin/login").headers
    assert "Onion-Location" not in client.get("/petitions/no-such-petition").headers
    auth.sign_in()
    assert "Onion-Location" not in client.get("/admin/").headers


def test_a_page_read_through_the_onion_service_is_not_sent_there_again(client, session, onion):
    response = client.get("/", headers={"Host": onion.removeprefix("http://")})

    assert "Onion-Location" not in response.headers


def test_without_the_setting_no_page_names_an_onion_address(client, session):
    assert "Onion-Location" not in client.get("/").headers


def test_an_address_that_is_not_an_onion_service_stops_start_up_with_one_line(tmp_path):
    finished = subprocess.run(
        ["flask", "--app", "campaign", "db", "upgrade"],
        cwd=ROOT,
        env={
            "PATH": str(ROOT / ".venv" / "bin") + ":/usr/bin:/bin",
            "CAMPAIGN_ENV": "development",
            "CAMPAIGN_INSTANCE_DIR": str(tmp_path),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'onion.sqlite3'}",
            "SITE_ONION_URL": "https://campaign.example.org",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )

    output = finished.stdout + finished.stderr
    assert finished.returncode == 4, output
    assert [line for line in output.splitlines() if "campaign:" in line] == [
        "campaign: SITE_ONION_URL must be an onion service's address like http://<56 letters>"
        ".onion, not 'https://campaign.example.org'."
    ]
    assert not (tmp_path / "onion.sqlite3").exists()
