"""TikTok Shop Open API (202309+): client, fetcher, field mappings and API rules (adapter.py)."""
