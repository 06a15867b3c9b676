"""Deciding on suggestions: one at a time (the review loop) or in bulk above a confidence.
A decision turns a suggestion into an accepted or rejected coding; nothing else does."""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..corpus import Corpus
from ..errors import QualcodeError
from ..model import ACCEPTED, REJECTED, SUGGESTED, Coding
from ..coding_file import CodingFile
from ..store import now
from ..tagging import save

ORDERS = ("uncertain", "confident", "document")


@dataclass(frozen=True)
class Item:
    transcript_id: str
    coding: Coding


def reason(c: Coding) -> str:
    """Why the suggestion was made, as a person would read it: the rule and the words it matched,
    or the model's score against its threshold."""
    why = c.extra
    confidence = "?" if c.confidence is None else f"{c.confidence:.2f}"  # a hand-edited line may lack it
    if c.source == "rules":
        if not why.get("rules"):
            return "a codebook rule"
        return ("matched " + ", ".join(f"'{m}'" for m in why.get("matched", [])) +
                " (" + ", ".join(why.get("rules", [])) + ")")
    if c.source == "model":
        words = why.get("features") or []
        return (f"model score {confidence} (threshold {why.get('threshold', '?')})" +
                (": " + ", ".join(f"'{w}'" for w in words) if words else ""))
    if c.source == "split":
        return (f"coded '{why.get('split_from', '?')}' before that theme was split: accept each new theme "
                "that fits, reject the others")
    return f"from {c.source}"


def queue(corpus: Corpus, coder: str, code: str | None = None, transcript: str | None = None,
          order: str = "uncertain") -> list[Item]:
    if order not in ORDERS:
        raise QualcodeError(f"unknown order '{order}'", hint="Use one of: " + ", ".join(ORDERS))
    if code is not None and corpus.codebook.theme(code) is None:
        from ..tagging import check_theme

        check_theme(corpus, code)  # raises with close matches
    tid = corpus.transcript(transcript).id if transcript else None
    items = [Item(f.transcript_id, c) for f in corpus.files if f.coder == coder and tid in (None, f.transcript_id)
             for c in f.anchored if c.status == SUGGESTED and code in (None, c.code)]
    if order == "document":
        items.sort(key=lambda i: (i.transcript_id, i.coding.start, i.coding.code))
    elif order == "confident":
        items.sort(key=lambda i: (-(i.coding.confidence or 0), i.transcript_id, i.coding.start, i.coding.code))
    else:  # closest to its decision line first (a model's tuned threshold, else 0.5): where a decision teaches most
        items.sort(key=lambda i: (abs((i.coding.confidence or 0.5) - float(i.coding.extra.get("threshold", 0.5))),
                                  i.transcript_id, i.coding.start, i.coding.code))
    return items


def _file(corpus: Corpus, coder: str, transcript_id: str) -> CodingFile:
    return corpus.file(coder, transcript_id)


def decide(corpus: Corpus, coder: str, item: Item, status: str, code: str | None = None,
           how: str = "review") -> list[Coding]:
    """Accept or reject a suggestion (optionally as another theme). Saves at once.
    Returns the file's codings before the change, for undo."""
    f = _file(corpus, coder, item.transcript_id)
    before = list(f.codings)
    if item.coding not in f.codings:
        raise QualcodeError("that suggestion is no longer open (decided elsewhere?)")
    decided = replace(item.coding, status=status, at=now(), extra={**item.coding.extra, "decided": how})
    f.codings = [decided if c is item.coding else c for c in f.codings]
    if code is not None and code != item.coding.code:  # "not this theme, that one"
        f.codings = [replace(decided, status=REJECTED) if c is decided else c for c in f.codings]
        key = (item.coding.start, item.coding.end, code)
        f.codings = [c for c in f.codings if c.key != key]
        f.codings.append(replace(item.coding, code=code, status=ACCEPTED, source="manual", at=now(),
                                 extra={"decided": how, "instead_of": item.coding.code}))
    save(corpus, f)
    return before


def restore(corpus: Corpus, coder: str, transcript_id: str, codings: list[Coding]) -> None:
    f = _file(corpus, coder, transcript_id)
    f.codings = codings
    save(corpus, f)


def bulk_accept(corpus: Corpus, coder: str, threshold: float, dry_run: bool = False, code: str | None = None,
                transcript: str | None = None) -> list[Item]:
    """Accept every open suggestion at or above the threshold (a person's explicit bulk decision).
    A split theme's codings have no confidence to compare: each waits for a decision of its own."""
    if not 0 <= threshold <= 1:
        raise QualcodeError("--accept-above takes a confidence between 0 and 1")
    chosen = [i for i in queue(corpus, coder, code, transcript, "confident")
              if i.coding.confidence is not None and i.coding.confidence >= threshold]
    if not dry_run:
        for item in chosen:
            decide(corpus, coder, item, ACCEPTED, how=f"bulk >= {threshold}")
    return chosen
