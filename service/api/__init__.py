"""Pieces every route shares: the database session, pagination and JSON bodies read under the intake limits."""
