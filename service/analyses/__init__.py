"""Analyses of failed executions: storing them and their runbooks."""
