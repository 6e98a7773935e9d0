"""The organiser console under /admin: every view needs a signed-in organiser."""
