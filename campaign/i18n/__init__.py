"""The site in several languages: which ones, their URLs, and gettext through Flask-Babel."""
