"""Shared test settings. No I/O here: integration fixtures live in integration/conftest.py."""
