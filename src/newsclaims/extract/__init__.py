"""Extract: articles -> entities, mentions and claims (spaCy runs here, and only here).

``nlp`` loads the model, ``ner_rules`` corrects its entities (the rules by family in
``ner_rules_shape`` and ``ner_rules_types``, their span helpers in ``ner_spans``), ``entities`` and
``kb/`` resolve them (``names`` reads a name: titles, roles, the keys that fold spellings),
``claims/`` finds who said what, ``coref`` settles pronoun and description speakers (with what
``coref_discourse`` knows of the article and ``coref_names`` for speakers that are names), ``batch``
runs all of it over a staging batch and writes one lake batch.
"""
