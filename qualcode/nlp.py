"""spaCy pipelines, built offline: a blank English pipeline with rule-based components and the
lemma tables of the spacy-lookups-data package. Nothing is ever downloaded. A trained pipeline
(e.g. en_core_web_sm) is used only when the project names one and it is already installed."""

from __future__ import annotations

from functools import lru_cache

from .errors import QualcodeError
from .perf import paused_gc


@lru_cache(maxsize=1)
def sentence_pipeline():
    """Tokenizer + rule-based sentencizer: what coding units are cut with. Kept rule-based even
    when a trained pipeline is configured, so segment ids never depend on a model's version."""
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


@lru_cache(maxsize=4)
def lemma_pipeline(model: str | None = None):
    """Tokenizer + lemmatizer, for matching keywords on lemmas. With `model`, that installed
    spaCy pipeline; otherwise lookup lemmas from spacy-lookups-data."""
    import spacy

    if model:
        try:
            return spacy.load(model, exclude=["ner"])
        except OSError:
            raise QualcodeError(
                f"the spaCy pipeline '{model}' is not installed", "qualcode.yaml",
                "qualcode never downloads models. Install it with pip (e.g. the en_core_web_sm wheel), "
                "or remove 'spacy_model' to use the built-in lookup lemmas.")
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    try:
        nlp.initialize()  # loads the lookup tables from the installed spacy-lookups-data package
    except (ValueError, OSError) as exc:
        raise QualcodeError(f"spaCy's lemma tables are missing: {exc}",
                            hint="Install them with: pip install spacy-lookups-data")
    return nlp


def lemmas(text: str, model: str | None = None) -> list[str]:
    return [t.lemma_.lower() or t.lower_ for t in lemma_pipeline(model)(text)]


@lru_cache(maxsize=1)
def lemma_lookup() -> dict[str, str]:
    """Form -> lemma, lower-case, from the spacy-lookups-data table that the lookup lemmatizer
    uses. Lookup lemmas do not depend on context, so matching a lemma is the same as matching any
    of its forms: rules can run on the tokenizer alone."""
    import spacy_lookups_data
    import srsly  # installed with spaCy

    try:
        table: dict[str, str] = srsly.read_gzip_json(spacy_lookups_data.get_file("en_lemma_lookup.json.gz"))
    except (OSError, ValueError) as exc:
        raise QualcodeError(f"spaCy's English lemma table cannot be read: {exc}",
                            hint="Reinstall it with: pip install --force-reinstall spacy-lookups-data")
    # A few hundred entries are capitalised ('Americans'); a lower-case entry of its own wins.
    odd = [(form, lemma) for form, lemma in table.items() if form.lower() != form or lemma.lower() != lemma]
    for form, lemma in odd:
        del table[form]
    for form, lemma in odd:
        table.setdefault(form.lower(), lemma.lower())
    return table


@lru_cache(maxsize=1)
def lemma_tables() -> tuple[dict[str, str], dict[str, list[str]]]:
    """(form -> lemma, lemma -> its forms), lower-case."""
    form_to_lemma = lemma_lookup()
    lemma_to_forms: dict[str, list[str]] = {}
    with paused_gc():  # with a corpus in memory, collections cost 5x the loop
        for form, lemma in form_to_lemma.items():
            lemma_to_forms.setdefault(lemma, []).append(form)
    return form_to_lemma, lemma_to_forms


def lemma_of(word: str) -> str:
    w = word.lower()
    return lemma_lookup().get(w, w)


def norms_as_lemmas(nlp, lemmas: set[str]) -> None:
    """Give every form of these lemmas (and each lemma as a word) its lookup lemma as its lexeme
    NORM in this pipeline's vocabulary. Matching NORM then matches lookup lemmas inside spaCy's
    C matchers, with no lemmatizer pass over the text. Only the lemmas rules use are touched:
    every other word keeps its norm, which can never equal one of these lemmas wrongly, as a
    word whose lower-case form is such a lemma is in the set itself."""
    form_to_lemma = lemma_lookup()
    forms = [form for form, lemma in form_to_lemma.items() if lemma in lemmas]  # not the whole inverse
    vocab = nlp.vocab
    for form in {*forms, *lemmas}:
        norm = form_to_lemma.get(form, form)
        for variant in {form, form.capitalize(), form.upper()}:
            vocab[variant].norm_ = norm


def forms_of(word: str) -> frozenset[str]:
    """Every lower-case form sharing the word's lookup lemma ('waited' -> wait, waits, waiting...)."""
    form_to_lemma, lemma_to_forms = lemma_tables()
    w = word.lower()
    lemma = form_to_lemma.get(w, w)
    return frozenset({*lemma_to_forms.get(lemma, ()), w, lemma})
