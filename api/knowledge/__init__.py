"""Knowledge answers: the article search (search.py), chat guidance built on it (guidance.py), the
article pages and search API (router.py), the action server's guidance endpoint (actions_api.py)."""
