"""Extract: articles -> entities, mentions and claims (spaCy runs here, and only here).

``nlp`` loads the model, ``ner_rules`` corrects its entities, ``entities`` and ``kb/`` resolve them,
``claims/`` finds who said what, ``coref`` settles pronoun and description speakers, ``batch`` runs
all of it over a staging batch and writes one lake batch.
"""
