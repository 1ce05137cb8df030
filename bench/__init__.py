"""Benchmarks: synthetic content (`bench.synth`) and the `make bench` script (`bench/bench.py`)."""
