"""Specialist review of the knowledge articles: the editors' queue, the English source beside each
translation, and "mark reviewed"."""
