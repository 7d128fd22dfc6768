"""What every marketplace client shares: the call loop, errors, rate limiter, retry policy,
redaction. Each marketplace's own client is in imports/platforms/<name>/client.py."""
