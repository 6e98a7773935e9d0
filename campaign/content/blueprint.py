"""Content's blueprint: the home page, campaign hubs and explainers."""

from flask import Blueprint

bp = Blueprint("content", __name__)
