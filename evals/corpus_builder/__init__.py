"""The generator of the eval corpus: base workflows, fault injectors and hand-written reports.

`python -m evals.corpus_builder` rewrites evals/corpus/injected, evals/corpus/report and
evals/corpus/samples. Every failed recording in a case is produced by running the broken workflow
with the replay engine against the world the failure saw, so replay reproduces it by construction.
"""
