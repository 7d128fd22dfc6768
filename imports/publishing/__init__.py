"""Publishing: writing the prices and titles the catalog computed back to the marketplaces.

models.py (the job and one item per change: the audit), plan.py (the preview and its guards),
runner.py (the background run: re-read, write, read back), services.py (start, cancel,
resume, retries after locks, reviews), reasons.py (what each outcome means, in words).
"""
