"""Content: campaigns and explainer articles, their public pages and their console."""
