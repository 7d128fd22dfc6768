"""The source notes of the seeded default fee rules, in the reader's language.

`pricing/migrations/0002_seed_fee_rules.py` stores each default rule's source as English
text in the database (a migration is frozen, so it does not import this module). The exact
seeded notes are repeated here as message ids, so that makemessages picks them up and the
admin can show a seeded note translated; a note anyone typed or edited shows as stored.
A test checks that this list and the migration's notes stay the same.
"""

from __future__ import annotations

from django.utils.translation import gettext, gettext_noop

# The "%" in these notes are percentages, not placeholders.
SEEDED_SOURCE_NOTES = frozenset(
    {
        # xgettext:no-python-format
        gettext_noop(
            "Admin fee category A 8% (upper of 8/7.5/5.75/4.25%) from 1 Sep 2024 "
            "(bisnis.tempo.co/read/1898111)"
        ),
        # xgettext:no-python-format
        gettext_noop(
            "Admin fee category A 8% (upper of 8/7.5/5.75/4.25%) from 1 Sep 2024 "
            "(bisnis.tempo.co/read/1898111); Rp1,250 order processing fee from 20 Jul 2025"
        ),
        gettext_noop(
            "Admin fee, 2026 cluster scheme, upper bound of the range "
            "(katadata.co.id 9 Dec 2025); Rp1,250 order processing fee from 20 Jul 2025 "
            "(smartlegal.id 8 Jul 2025)"
        ),
        # xgettext:no-python-format
        gettext_noop(
            "Shopee Mall admin fee, 2026 cluster scheme, upper bound (katadata.co.id "
            "9 Dec 2025); Mall payment fee 1.8% (parapuan.co 2022, current value "
            "unverified)"
        ),
        # xgettext:no-python-format
        gettext_noop(
            "Platform commission 8.00% (10% sub-categories with 20% off), 1 Oct 2025 - "
            "10 Feb 2026 (seller-id.tokopedia.com knowledge_id=5411650459305729); Rp1,250 "
            "order processing fee from 11 Aug 2025 (katadata.co.id 31 Jul 2025)"
        ),
        # xgettext:no-python-format
        gettext_noop(
            "Categories outside the 13 Feb 2026 table: 6.97% tax included "
            "(seller-id.tokopedia.com knowledge_id=5411650459305729, dated 11 Feb 2026)"
        ),
    }
)


def source_note(source: str) -> str:
    """A fee rule's source note in the active language when it is a seeded one (and the
    catalog translates it); any other note as stored. Only the seeded notes go through
    gettext: a note someone typed that happens to equal another message id ("Default")
    must not be shown as that message's translation."""
    return gettext(source) if source in SEEDED_SOURCE_NOTES else source
