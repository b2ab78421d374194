"""Live events: the in-process broadcaster (broadcast.py) and the Redis relay that carries its events
between api workers (fanout.py)."""
