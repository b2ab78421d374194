"""Pathway self-check, HSP points calculator and the prototype Japanese qualifications framework."""
