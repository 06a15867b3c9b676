"""spaCy's tokens of many texts from one tokenization of each distinct chunk of text.

spaCy's tokenizer splits text at white space and tokenizes each chunk on its own. Over a corpus
most chunks repeat, yet over whole transcripts it re-tokenizes most of them: its cache holds
10,000 chunks and stops filling for the rest of a doc after a special case such as "can't" or a
lone newline (explosion/spaCy#13950). Here each distinct chunk is tokenized once, many to a Doc
(`batch_rows`), or not at all when it is letters and perhaps one mark (`plain_kind`). The
segmenter uses both for its sentence marks; the rules gather a text's tokens from them as arrays
(token_arrays.py). Free of numpy, so a warm run that only reads caches does not import it.
"""

from __future__ import annotations

BATCH = 4000  # chunks per Doc when tokenizing them together


def batch_rows(tokenizer, batch: list[str], attrs: list) -> list[list[list[int]]] | None:
    """Each chunk's tokens as rows of `attrs` (IDX and LENGTH first; IDX made relative to the
    chunk), from one Doc holding the batch a chunk a line. A newline is a token of its own, so no
    token or special case spans two chunks; None when the tokens do not line up with the chunks
    (then tokenize them one by one)."""
    rows = tokenizer("\n".join(batch)).to_array(attrs).tolist()
    out, tokens = [], []
    k, base, end = 0, 0, len(batch[0])
    for row in rows:
        idx, length = row[0], row[1]
        if idx >= end:  # the newline between chunk k and chunk k + 1
            if idx != end or length != 1 or k + 1 == len(batch):
                return None
            out.append(tokens)
            tokens = []
            k += 1
            base = end + 1
            end = base + len(batch[k])
        elif idx + length > end:
            return None
        else:
            row[0] = idx - base
            tokens.append(row)
    out.append(tokens)
    return out if len(out) == len(batch) else None


def plain_kind(chunk: str, specials) -> int | None:
    """How spaCy's English tokenizer splits a chunk of letters alone (1: one token, all of it),
    or of letters and one of , ? ! ; : or '.' after a-z (2: the letters, then the mark); None for
    any other chunk or a special case (`specials`: the tokenizer's rules). No prefix, suffix or
    infix rule applies to letters alone, and those marks are split off after them (tested against
    the tokenizer on every word of the lemma table, in three cases). Most chunks of interview
    text are one of these, and asking the tokenizer costs ten times a lexeme lookup."""
    if chunk in specials:
        return None
    if chunk.isalpha():
        return 1
    core, mark = chunk[:-1], chunk[-1]
    if (mark in ",?!;:" or mark == "." and "a" <= core[-1:] <= "z") and core.isalpha() and core not in specials:
        return 2
    return None
