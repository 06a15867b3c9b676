"""Assisted coding: rules from the codebook and a model learned from people's decisions.
Everything here produces *suggestions*; only a person's decision makes a coding."""
