"""Fault tests: garbage, dropped links, slow and flooding outlets, interrupted updates."""
