"""SVG uploads: kept as drawings, with everything that could act or tell removed.

A logo is best as SVG, but SVG is a document: it can hold scripts, links to other servers and
the editor's own notes (Inkscape records the path the file was exported to, which can carry a
person's name). Only drawing elements and plain attributes from the SVG namespace are kept,
and references only within the file.
"""

import re
import xml.etree.ElementTree as ElementTree

from flask_babel import lazy_gettext as _l

from campaign.images.refusals import ImageRefused

SVG_NAMESPACE = "http://www.w3.org/2000/svg"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
NOT_AN_SVG = _l("This SVG file cannot be read as a drawing.")
DRAWING = {
    "svg", "g", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "text",
    "tspan", "textPath", "defs", "linearGradient", "radialGradient", "stop", "clipPath", "mask",
    "use", "symbol", "pattern", "title", "desc", "marker",
}  # fmt: skip
_NUMBER = re.compile(r"\s*([0-9]*\.?[0-9]+)\s*(px)?\s*$")
_OPENING = re.compile(rb"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<svg[\s>]", re.DOTALL)


def looks_like_svg(data: bytes) -> bool:
    """True when the upload opens as an SVG document (a DOCTYPE is refused later)."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf")
    return _OPENING.match(head) is not None or b"<!DOCTYPE svg" in head


def clean(data: bytes) -> tuple[bytes, int, int]:
    """The drawing alone, with its width and height in CSS pixels."""
    # Entities are how XML bombs and file reads work; no drawing needs a DOCTYPE.
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise ImageRefused(NOT_AN_SVG)
    try:
        root = ElementTree.fromstring(data)  # noqa: S314 - no DOCTYPE, so no entities
    except ElementTree.ParseError:
        raise ImageRefused(NOT_AN_SVG) from None
    if root.tag != f"{{{SVG_NAMESPACE}}}svg":
        raise ImageRefused(NOT_AN_SVG)
    _keep_drawing(root)
    width, height = _size(root)
    ElementTree.register_namespace("", SVG_NAMESPACE)
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True), width, height


def _keep_drawing(element: ElementTree.Element) -> None:
    for child in list(element):
        namespace, _, name = child.tag.rpartition("}")
        if namespace != "{" + SVG_NAMESPACE or name not in DRAWING:
            element.remove(child)
            continue
        _keep_drawing(child)
    for attribute, value in list(element.attrib.items()):
        if not _harmless(attribute, value):
            del element.attrib[attribute]


def _harmless(attribute: str, value: str) -> bool:
    if attribute in ("href", XLINK_HREF):
        return value.startswith("#")
    if attribute.startswith("{") or attribute.lower().startswith("on"):
        return False  # another namespace (an editor's notes) or an event handler
    # Styles and paints may only point within the file.
    return "url(" not in value.replace("url(#", "") and "@import" not in value


def _size(root: ElementTree.Element) -> tuple[int, int]:
    box = (root.get("viewBox") or "").replace(",", " ").split()
    width, height = _length(root.get("width")), _length(root.get("height"))
    if len(box) == 4:
        try:
            box_width, box_height = float(box[2]), float(box[3])
        except ValueError:
            box_width = box_height = 0
        if box_width > 0 and box_height > 0:
            width = width or box_width
            height = height or width * box_height / box_width
    return round(width or 300), round(height or 150)


def _length(text: str | None) -> float:
    match = _NUMBER.match(text or "")
    return float(match.group(1)) if match else 0
