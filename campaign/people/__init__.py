"""Supporters' data rights: find, export and erase everything held about one address, from
the console, the command line, or the "Your data" link in every email."""
