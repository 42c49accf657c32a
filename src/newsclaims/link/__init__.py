"""Link: across articles -> stories (``stories``) and claim groups (``claim_groups``, ``paraphrase``)."""
