"""The conversation engine: its tables, the owner's state machine, the router that stores each message
and lets the owner answer, the Rasa client, language policy, response templates and Rasa's NLG route."""
