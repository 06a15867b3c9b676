"""spaCy pipelines, built offline: a blank English pipeline with rule-based components and the
lemma tables of the spacy-lookups-data package. Nothing is ever downloaded. A trained pipeline
(e.g. en_core_web_sm) is used only when the project names one and it is already installed."""

from __future__ import annotations

from functools import lru_cache

from .errors import QualcodeError


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
