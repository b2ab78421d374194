"""Consent records: what a person agreed to, when, and to which version of the privacy notice."""
