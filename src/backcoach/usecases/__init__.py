"""Use cases shared by the command line and the web app, below both interfaces.

Each takes an open ``Journal``, the loaded data and the time, does one thing the person asked for
(record a check-in, add a note) with the same rules whichever interface asked, and returns what
happened; the interfaces only print or render it.
"""
