"""The audit trail: what organisers did to supporters' data and to the site, in order."""
