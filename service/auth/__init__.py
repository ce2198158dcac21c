"""Per-workspace API tokens: creation, listing, revocation, and the bearer check of every workspace route."""
