"""The full-screen coding workbench (Textual): `qualcode code` in a terminal."""

from __future__ import annotations


def run_workbench(session) -> None:
    from .app import CodingApp

    CodingApp(session).run()


def run_review(corpus, coder: str, items) -> None:
    from .decide import ReviewApp

    ReviewApp(corpus, coder, items).run()


def run_reconcile(corpus, reconciliation) -> None:
    from .decide import ReconcileApp

    ReconcileApp(corpus, reconciliation).run()

