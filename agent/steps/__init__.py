"""The analysis graph's steps, one module each: gather, propose, verify, score and finish."""
