"""What every app builds on: organizations and their members, the API's rate counters, and
the shared model base (the classes live in organizations.py, ratelimits.py, model_base.py)."""

from __future__ import annotations

from core.model_base import MONEY, NON_NEGATIVE, TimeStampedModel
from core.organizations import Membership, Organization
from core.ratelimits import RateCounter

__all__ = ["MONEY", "NON_NEGATIVE", "Membership", "Organization", "RateCounter", "TimeStampedModel"]
