"""Bringing material made elsewhere into a project."""
