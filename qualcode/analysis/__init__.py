"""Analyses over a loaded corpus; each returns plain data with a to_dict()."""
