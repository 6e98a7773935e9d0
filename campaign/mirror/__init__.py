"""A static copy of the public site, to serve from anywhere or read from a disk: `flask mirror`.

The export crawls the site through the app itself (`crawl.py`), marking each request as the
mirror's so templates swap forms for a note about the live site (`rendering.py`); it writes
the pages with relative links and a manifest of every file (`export.py`, `manifest.py`).
"""
