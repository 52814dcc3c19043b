"""Constants of the Intecular integration."""

from __future__ import annotations

from datetime import timedelta
import logging
from typing import Final

DOMAIN: Final = "intecular"
LOGGER = logging.getLogger(__package__)

MANUFACTURER: Final = "Intecular"
OUTLET_MODEL: Final = "InvisOutlet"
FACEPLATE_MODEL: Final = "InvisDeco"


# Entry data: which faceplate the outlet had when last seen ("pro", "aura", "basic" or
# absent), so its entities exist even when Home Assistant starts while it reboots.
CONF_FACEPLATE: Final = "faceplate"

# Entry options: how faceplate firmware is delivered ("faceplate_wifi" or "via_outlet").
CONF_FACEPLATE_UPDATE_METHOD: Final = "faceplate_update_method"
# Entry data: what Home Assistant last did with the outlet's own MQTT discovery
# ("cleared" or "sent"); absent while it never touched it.
CONF_MQTT_DISCOVERY: Final = "mqtt_discovery"

# How long the config flow waits for an outlet to answer.
PROBE_TIMEOUT: Final = 5.0

# Connection upkeep. The first reconnect is immediate, then one follows every
# RECONNECT_BACKOFF_FIRST while the outage is younger than RECONNECT_FAST_PERIOD (an
# outlet that restarts is back within seconds and is found at once), then the wait
# doubles up to the cap.
RECONNECT_BACKOFF_FIRST: Final = 0.5
RECONNECT_FAST_PERIOD: Final = 60.0
RECONNECT_BACKOFF_MAX: Final = 30.0
# Loading and reconnecting wait for the configuration (1) only this long; a slower one
# follows in the background (the outlets and device info are all they need).
CONFIG_READ_TIMEOUT: Final = 3.0
# At setup, how long loading gives the optional parts (names, sensors, lights) before
# the entities are created; slower ones follow in the background.
OPTIONAL_READ_WAIT: Final = 2.0
# Between two full re-reads that no restart asked for (a faceplate that reports sensors
# while device info does not list it), at least this many seconds.
FULL_READ_MIN_INTERVAL: Final = 30.0
# A drop shorter than this never makes entities unavailable.
UNAVAILABLE_GRACE: Final = timedelta(seconds=5)
# The faceplate pushes sensors every few seconds; silence for three of its observed
# intervals means it is gone, but never less than this (watchdog.py).
SENSOR_SILENCE_TIMEOUT: Final = 15.0
# Accessory names (callback 3) are never pushed: a rename in the vendor app reaches Home
# Assistant on the next reconnect or restart announcement, or at this interval.
NAMES_REFRESH_INTERVAL: Final = timedelta(minutes=5)
