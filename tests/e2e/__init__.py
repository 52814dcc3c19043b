"""Browser tests: a real Home Assistant in a real Chromium."""
