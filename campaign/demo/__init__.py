"""The demo campaign (the China Cables) that `make run` loads into an empty site."""
