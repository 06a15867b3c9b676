"""What a codebook pattern needs to be matched fast (assist/rules.py): `LEMMA` rewritten as the
`NORM` that holds lookup lemmas, patterns of literal words as runs for the token arrays, which
tokens every match holds, how long a match can be, and the lemmas a codebook uses.
"""

from __future__ import annotations

import itertools
import re

from ..model import Codebook
from ..nlp import lemma_of, sentence_pipeline

MAX_VARIANTS = 64  # forms of a multi-word keyword, at most


def as_norms(pattern: list[dict]) -> list[list[dict]] | None:
    """A pattern with `LEMMA` constraints as patterns on `NORM` (which holds lookup lemmas): a list
    of lemmas (`IN`) becomes one pattern per lemma, so spaCy matches in C rather than testing a
    set in Python at every token. None when a constraint cannot be carried over (e.g. a REGEX)."""
    options: list[list[dict]] = []
    for token in pattern:
        token = {k.upper() if isinstance(k, str) else k: v for k, v in token.items()}
        value = token.pop("LEMMA", None)
        if value is None:
            options.append([token])
        elif isinstance(value, str):
            options.append([{**token, "NORM": lemma_of(value)}])
        elif isinstance(value, dict) and set(value) == {"IN"} and isinstance(value["IN"], list):
            options.append([{**token, "NORM": lemma_of(v)} for v in dict.fromkeys(value["IN"])])
        elif isinstance(value, dict) and set(value) == {"NOT_IN"} and isinstance(value["NOT_IN"], list):
            options.append([{**token, "NORM": {"NOT_IN": [lemma_of(v) for v in value["NOT_IN"]]}}])
        else:
            return None
    combos = list(itertools.islice(itertools.product(*options), MAX_VARIANTS + 1))
    return None if len(combos) > MAX_VARIANTS else [list(c) for c in combos]


LITERAL = {"NORM": "NORM", "LOWER": "LOWER", "ORTH": "ORTH", "TEXT": "ORTH"}  # spaCy's TEXT is ORTH


def literal_runs(patterns: list[list[dict]]) -> list[tuple[tuple[str, str], ...]] | None:
    """A pattern's variants as runs of (attribute, word), when every token is one literal word
    or `IN` list of words on NORM, LOWER, ORTH or TEXT, with no operator: such a pattern matches
    what a phrase of those words would, so it is matched on token arrays like the keywords (most
    patterns codebooks hold are of this kind: "run out of", "share information"). None otherwise."""
    runs: list[tuple] = []
    for pattern in patterns:
        options = []
        for token in pattern:
            if not isinstance(token, dict) or len(token) != 1:
                return None
            ((key, value),) = token.items()
            attr, value = LITERAL.get(str(key).upper()), words_named(value)
            if attr is None or not value:
                return None
            options.append([(attr, v) for v in dict.fromkeys(value)])
        if not options:
            return None
        runs.extend(itertools.islice(itertools.product(*options), MAX_VARIANTS + 1))
        if len(runs) > MAX_VARIANTS:
            return None
    return runs


def words_named(value) -> list[str] | None:
    """The words a token's value names: one word, or an `IN` list of words; None for anything
    else (NOT_IN, REGEX, a number...)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict) and set(value) == {"IN"} and isinstance(value["IN"], list):
        return value["IN"] if all(isinstance(v, str) for v in value["IN"]) else None
    return None


def required(op) -> bool:
    """Whether a token with this operator is in every match: no operator, "1", "+", or a
    quantifier such as "{2}", "{1,3}" or "{2,}" whose least count is not zero."""
    if op in (None, "1", "+"):
        return True
    bounds = re.fullmatch(r"\{(\d*)(?:,\d*)?\}", op) if isinstance(op, str) else None
    return bool(bounds and bounds[1] and int(bounds[1]) > 0)


def lemmas_used(codebook: Codebook) -> set[str]:
    """Every lemma a keyword or pattern can match on: the ones whose forms need a NORM."""
    tokenize = sentence_pipeline().make_doc
    out = set()
    for theme in codebook.themes:
        for kw in theme.keywords:
            out.update(lemma_of(t.text) for t in tokenize(kw))
        for pattern in theme.patterns:
            for token in pattern if isinstance(pattern, list) else []:
                if not isinstance(token, dict):
                    continue
                for key, value in token.items():
                    if str(key).upper() != "LEMMA":
                        continue
                    values = [value] if isinstance(value, str) else (value.get("IN", []) + value.get("NOT_IN", [])
                                                                     if isinstance(value, dict) else [])
                    out.update(lemma_of(v) for v in values if isinstance(v, str))
    return out


def most_tokens(pattern: list) -> int | None:
    """The most tokens a match of this pattern can have (None: unbounded). An 'OP: !' token
    takes one: spaCy's Matcher puts the token it tested in the match."""
    total = 0
    for token in pattern:
        op = next((v for k, v in token.items() if str(k).upper() == "OP"), None) if isinstance(token, dict) else None
        bounds = re.fullmatch(r"\{(\d*)(,?)(\d*)\}", op) if isinstance(op, str) else None
        if op in (None, "1", "!", "?"):
            total += 1
        elif bounds and (bounds[3] or not bounds[2]):  # {n}, {n,m}, {,m}
            total += int(bounds[3] or bounds[1] or 0)
        else:  # '*', '+', {n,}
            return None
    return total
