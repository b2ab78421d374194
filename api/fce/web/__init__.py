"""Credential evaluation over HTTP: the applicant's API and pages, the evaluator's API and console, the
action server's route, and what only they need. The rules live in api/fce/ beside this package, which
imports them; nothing there imports from here (tests/test_architecture.py)."""
