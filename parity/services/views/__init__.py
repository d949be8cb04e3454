"""The services pages: thin views over the services selectors and actions."""
