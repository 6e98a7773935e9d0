"""Public pages: the home page, campaign hubs and explainer articles."""
