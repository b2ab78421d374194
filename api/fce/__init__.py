"""Foreign credential evaluation: comparability data, preview, cases, documents, workflow."""
