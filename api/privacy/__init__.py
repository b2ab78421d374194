"""Privacy: retention (the scheduled purge), access and erasure requests, and consent records."""
