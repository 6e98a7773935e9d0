"""Typed reads of a signed event's JSON, so a value of the wrong shape never reaches a handler.

A provider's event may hold anything JSON can: a number where an id belongs, a list where an
object belongs, a string too long for its column or holding a NUL (PostgreSQL refuses it), an
integer beyond what the column holds. Handlers read each value through `Fields`: a value that
is missing (or null) is None; one of the wrong shape raises `UnusableEvent`, whose message
names the field and what was wrong with it, never the value (it may be someone's address).
"""

import re

INT32_MAX = 2**31 - 1  # an Integer column
INT64_MAX = 2**63 - 1  # a BigInteger column (and SQLite's integers)
# Deeper than any event a provider sends; deeper still would exhaust Python's recursion.
MAX_NESTING = 64

# C0 and C1 control characters, DEL, and lone surrogates (which no database can encode).
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


class UnusableEvent(Exception):
    """A signed event that cannot be applied; the message says which field, and why."""


class Fields:
    """One JSON object of an event; `path` (such as "data.object") names it in reasons."""

    def __init__(self, value: object, path: str) -> None:
        if not isinstance(value, dict):
            raise UnusableEvent(f"{path} is not a JSON object")
        self._value = value
        self.path = path

    def __bool__(self) -> bool:
        return bool(self._value)

    def _unusable(self, key: str, expected: str, strict: bool) -> None:
        if strict:
            raise UnusableEvent(f"{self.path}.{key} is not {expected}")

    def text(self, key: str, max_length: int, *, strict: bool = True) -> str | None:
        """A string of at most `max_length` characters without control characters.

        None when missing, null or empty; otherwise UnusableEvent, or None if not `strict`.
        """
        value = self._value.get(key)
        if value is None or value == "":
            return None
        if isinstance(value, str) and len(value) <= max_length and not _CONTROL.search(value):
            return value
        expected = f"a string of at most {max_length} characters without control characters"
        self._unusable(key, expected, strict)
        return None

    def whole_number(
        self, key: str, maximum: int = INT32_MAX, *, strict: bool = True
    ) -> int | None:
        """A JSON integer from 0 to `maximum` (an amount, a time); None when missing or null."""
        value = self._value.get(key)
        if value is None:
            return None
        if type(value) is int and 0 <= value <= maximum:
            return value
        self._unusable(key, f"a whole number from 0 to {maximum}", strict)
        return None

    def object(self, key: str, *, strict: bool = True) -> "Fields":
        """The nested object; an empty one when missing or null (or of the wrong shape, if
        not `strict`)."""
        value = self._value.get(key)
        path = f"{self.path}.{key}"
        if isinstance(value, dict):
            return Fields(value, path)
        if value is not None:
            self._unusable(key, "a JSON object", strict)
        return Fields({}, path)

    def our_id(self, key: str, maximum: int) -> int | None:
        """A row id of ours that we sent along (as digits, or a number), from 1 to `maximum`.

        Anything else is None: it is not one of our ids (another sender on the same account,
        a database rebuilt since), so the event simply names no row of ours.
        """
        value = self._value.get(key)
        if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 19:
            value = int(value)
        if type(value) is int and 0 < value <= maximum:
            return value
        return None

    def note(self, key: str, max_length: int) -> str | None:
        """Free text for people to read (a mail server's reply), control characters made
        spaces and cut to `max_length`; None unless it is a string or an integer."""
        value = self._value.get(key)
        if type(value) is int:
            value = str(value)
        if not isinstance(value, str) or not value:
            return None
        return _CONTROL.sub(" ", value)[:max_length]


def nested_too_deeply(value: object) -> bool:
    """True when JSON arrays and objects nest deeper than MAX_NESTING (checked without
    recursion, so the check itself cannot exhaust the stack)."""
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > MAX_NESTING:
            return True
        pending.extend((child, depth + 1) for child in children)
    return False
