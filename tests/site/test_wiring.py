"""Only building an app wires the features: importing their logic loads no web layer.

Each import runs in a fresh interpreter, since this one has long since loaded every module.
"""

import subprocess
import sys

import pytest

from tests.processes import ROOT

# A feature's web layer: its pages and console, and the modules that register them.
WEB_LAYER = {"views", "console", "blueprint", "feature", "features", "health"}


def web_modules_after(statements: str) -> list[str]:
    """The web-layer modules of ours that a fresh interpreter holds after `statements`."""
    script = f"import sys\n{statements}\nprint(*sys.modules, sep='\\n')"
    loaded = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    return sorted(
        name
        for name in loaded
        if name.startswith("campaign.") and name.rsplit(".", 1)[-1] in WEB_LAYER
    )


@pytest.mark.parametrize(
    "statements",
    [
        pytest.param("import campaign.petitions.signing", id="petition signing"),
        pytest.param(
            "import importlib, campaign.celery_app\n"
            "for name in campaign.celery_app.TASK_MODULES: importlib.import_module(name)",
            id="the Celery worker's task modules",
        ),
    ],
)
def test_importing_a_service_module_loads_no_views(statements):
    assert web_modules_after(statements) == []


def test_building_the_app_loads_every_feature_web_layer():
    loaded = web_modules_after("import campaign, config\ncampaign.create_app(config.TestingConfig)")

    assert "campaign.petitions.views" in loaded
    assert "campaign.content.console" in loaded
    assert "campaign.admin.views" in loaded
