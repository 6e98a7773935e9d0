"""The privacy notice's blueprint: a public page, served in every language."""

from flask import Blueprint

bp = Blueprint("privacy_notice", __name__)
