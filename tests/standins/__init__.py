"""Local stand-ins for the services mail leaves through; tests start them as fixtures."""
