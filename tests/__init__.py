"""Tests for the Intecular integration, its device client and the simulator."""
