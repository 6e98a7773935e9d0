"""Every Flask extension, created unbound; `create_app()` binds them."""

from flask_limiter import Limiter
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from campaign import rate_counters  # noqa: F401  (registers campaign-memory:// with limits)
from campaign.db import Base
from campaign.privacy import client_key

db = SQLAlchemy(model_class=Base)
migrate = Migrate(compare_type=True, render_as_batch=True)
csrf = CSRFProtect()
login_manager = LoginManager()
limiter = Limiter(key_func=client_key, default_limits=[])
