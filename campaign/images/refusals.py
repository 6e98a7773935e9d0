"""Why an upload is not published."""


class ImageRefused(ValueError):
    """An upload that will not be published; the message is for the organiser."""
