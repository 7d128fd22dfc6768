"""Shopee Open Platform v2: client, fetcher, field mappings and API rules (see adapter.py)."""
