"""The marketer console: a web app on the social map, served by `graphsvc serve` at ``/``.

Pages are plain HTML and ES modules from ``static/`` (no build step, every asset in the package);
they read and write through the GraphQL API with the signed-in user's session, so the API's roles,
personal-data rules and consent apply to the console exactly as to any other caller.
"""
