"""trainops: the command line, settings, logging and the embedded stack that wire the parts."""
