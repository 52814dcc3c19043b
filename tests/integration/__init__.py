"""Tests of the Home Assistant integration, driving the simulator over loopback."""
