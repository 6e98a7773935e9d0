"""The public privacy notice at /privacy, written from the site's own settings."""
