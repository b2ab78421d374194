"""Chat flows (issues #4 and #7): the api side of the bot's forms.

The action server is thin: for every question it asks, every answer it checks and every result it
shows, it calls these internal endpoints, which own the rules (what a valid salary or country is)
and the texts (catalogs in locales/, rendered in the conversation's language).
"""
