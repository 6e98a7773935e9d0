"""The console's image forms: a file with its description, and the description alone."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from campaign.form_fields import Form, language_field, strip

DESCRIBE = _l("Describe the image for people who cannot see it.")


def _alt_field() -> TextAreaField:
    return TextAreaField(
        _l("Image description (alt text)"),
        filters=[strip],
        validators=[DataRequired(message=DESCRIBE), Length(max=500)],
        description=_l(
            "What the image shows, in the campaign's language, for people who cannot see it."
        ),
    )


class ImageUploadForm(Form):
    image = FileField(
        _l("Image file"),
        validators=[FileRequired(message=_l("Choose an image file to upload."))],
        description=_l(
            "JPEG, PNG, GIF, WebP or SVG. Location, camera and every other detail stored in "
            "the file are removed before it is published."
        ),
        render_kw={"accept": "image/jpeg,image/png,image/gif,image/webp,image/svg+xml"},
    )
    alt = _alt_field()
    language = language_field(
        _l("The description's language, such as en or ug. Translate it from the image's list.")
    )
    label = StringField(
        _l("Label"),
        filters=[strip],
        validators=[Length(max=200)],
        description=_l("Optional: a name to find it by in the console. Never shown publicly."),
    )


class ImageDescriptionForm(Form):
    alt = _alt_field()
