"""Verifiable academic records (issue 13): signed evaluation credentials, their status, a public
verifier, share links, and credentials an applicant brings. See README "Verifiable records"."""
