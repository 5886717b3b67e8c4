"""Prefect flows, the curated store and the `aidplans` command: the only place with I/O and side effects."""
