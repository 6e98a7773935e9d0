"""Accounts' blueprint: signing in and out, and one's own password, under /admin."""

from flask import Blueprint

bp = Blueprint("accounts", __name__)
