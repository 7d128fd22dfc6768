"""Marketplace API clients: Shopee Open Platform v2 and TikTok Shop Open API."""
