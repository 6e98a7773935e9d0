"""Values a signed event may hold where another shape belongs: the wrong JSON type, a string
too long for any column or holding a NUL (PostgreSQL refuses it), an integer beyond BIGINT."""

ODD_VALUES = {
    "number": 12345,
    "float": 25.5,
    "list": ["x"],
    "object": {"id": "x"},
    "nul": "x\x00@example.org",
    "too-long": "x" * 300 + "@example.org",
    "huge": 2**63,
}
