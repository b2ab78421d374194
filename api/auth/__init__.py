"""Staff logins (advisors, evaluators, admins): passwords, signed sessions, CSRF, rate limits."""
