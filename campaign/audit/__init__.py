"""The audit trail: what organisers did to supporters' data and to the site, in order."""

# The detail of an entry for what a command did: nobody was signed in to do it.
COMMAND_LINE = "command line"
