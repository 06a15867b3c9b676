"""The full-screen coding workbench (Textual): `qualcode code` in a terminal."""

from __future__ import annotations


def run_workbench(session) -> None:
    from .app import CodingApp

    CodingApp(session).run()
