"""Pure library: the plan as records, the Japanese text pipeline and search.

Three verbs: ``load`` (data files -> records), ``build`` (records -> Index),
``search``/``answer`` (question -> typed result). Nothing here knows Slack, HTTP or the CLI.
"""
