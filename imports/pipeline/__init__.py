"""The stages of an import job: fetch (this issue); analyse, transform, match, upsert, enrich."""
