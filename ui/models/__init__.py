"""models of the desktop."""
