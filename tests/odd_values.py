"""Odd values the tests send: those a signed event may hold where another shape belongs, and
the hostile ones a request puts in every field of a page."""

# Where another shape belongs: the wrong JSON type, a string too long for any column or holding
# a NUL (PostgreSQL refuses it), an integer beyond BIGINT.
ODD_VALUES = {
    "number": 12345,
    "float": 25.5,
    "list": ["x"],
    "object": {"id": "x"},
    "nul": "x\x00@example.org",
    "too-long": "x" * 300 + "@example.org",
    "huge": 2**63,
}

# A few of those, for where each costs a whole page: in every query name at once, in each field.
HOSTILE_FEW = ["\x00", "a\x1bb", "x" * 5000, "99999999999999999999", "-1", "١٢٣", "NaN"]
