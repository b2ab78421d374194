"""Human advisor handoff: ownership state machine, queue, advisor API and console."""
