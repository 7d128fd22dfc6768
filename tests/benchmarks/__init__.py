"""The performance benchmark: `python -m tests.benchmarks` (see docs/performance.md).

Not part of the test run: it generates catalogs of up to 100k listings a shop and a 1M-product
catalog in its own database (`<name>_bench`), and takes many minutes.
"""
