"""Benchmarks of the Intecular integration: latency, cost, scale, start-up, recovery, soak.

Run ``scripts/bench`` (``python -m bench``); ``--help`` lists the parts and options.
Home Assistant runs in this process (the test harness' instance, registries in
memory); simulated outlets run in this process for the latency figures and in a
child process (``bench.simproc``) wherever this process' CPU time and memory are
measured, so the simulator's own work is never counted as Home Assistant's.
"""
