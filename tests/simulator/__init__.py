"""Conformance tests of the device simulator, with a plain WebSocket client."""
