"""Updates: organisers email their subscribers, and publish the update on the site."""
