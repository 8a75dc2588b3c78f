"""views of the desktop."""
