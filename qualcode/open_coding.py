"""Open coding: a theme made while coding (as NVivo, ATLAS.ti and QualCoder allow), added to the
codebook through the comment-keeping editor with its version bumped, like any other migration."""

from __future__ import annotations

from .cache import digest
from .codebook import THEME_ID, validate_text
from .codebook_edit import slug
from .corpus import Corpus
from .errors import QualcodeError
from .model import Theme


def new_theme(corpus: Corpus, text: str, under: str | None = None, groups: list[str] | None = None
              ) -> tuple[Theme, bool]:
    """The theme `text` names, added to the codebook if it is not there yet, and whether it was
    added. `text` is an id ('peer-pressure') or a label ('Peer pressure', id made from it)."""
    from . import migrate

    text = " ".join(text.split())
    cb = corpus.codebook
    folded = text.casefold()
    for t in cb.themes:
        if folded in (t.id, t.label.casefold()):
            return t, False
    theme_id = text if THEME_ID.match(text) else slug(text)
    if not theme_id:
        raise QualcodeError(f"cannot make a theme id from '{text}'", hint="Give an id such as peer-pressure.")
    if cb.theme(theme_id) is not None:
        raise QualcodeError(f"'{text}' would get the id '{theme_id}', which '{cb.theme(theme_id).label}' has already",
                            hint=f"Code with '{theme_id}', or give the new theme another name.")
    parent = None
    if under:
        parent = cb.theme(under) or next((t for t in cb.themes if t.label.casefold() == under.casefold()), None)
        if parent is None:
            from .errors import did_you_mean

            raise QualcodeError(f"no theme '{under}' to put the new theme under" + did_you_mean(under, cb.ids),
                                hint="List themes with: qualcode codebook show")
    label = None if text == theme_id else text
    project = corpus.project
    done = migrate.run(project, "add", theme=theme_id, label=label, under=parent.id if parent else None, groups=groups)
    written = done.files[done.codebook]
    # what this process wrote, not the file read again: a later change by someone else must still
    # be noticed when this process saves (tagging._codes_still_known)
    corpus.codebook, _ = validate_text(written.decode("utf-8-sig").replace("\r\n", "\n"), project.rel(done.codebook))
    corpus.codebook_digest = digest(written)
    return corpus.codebook.theme(theme_id), True
