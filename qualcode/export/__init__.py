"""Renderers: plain data in, text out. No I/O here beyond building strings."""
