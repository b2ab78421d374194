"""Foreign credential evaluation: comparability data, preview, cases, documents, workflow.

These modules are the rules; the HTTP layer (routes, pages, response models, request helpers) is
api/fce/web/, which imports them and is never imported by them (tests/test_architecture.py)."""
