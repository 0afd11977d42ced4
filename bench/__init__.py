"""Benchmarks: each prints `BENCH <name> app=<v> floor=<v> ratio=<app/floor> unit=<u>`."""
