"""Organiser sign-in: `/admin/login`, `/admin/logout` and changing one's own password."""
