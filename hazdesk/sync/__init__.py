"""Sync: hybrid logical clock, change log, bundles, merge."""
