"""The organiser console's front page (views.py) and what every feature's console shares
(helpers.py); each feature's own pages are in its console.py."""
