"""Why a change was refused, blocked or held, in words a seller reads in their language.

Items and mappings store the code (and the platform's own message); the text is translated
when shown, so a seller who switches language reads every past result in the new one.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

# Preview guards: a change that looks like a mistake is held unless the merchandiser says so.
BELOW_COST = "below_cost"
LARGE_CHANGE = "large_change"
TITLE_LINT = "title_lint"
OVERRIDABLE = (BELOW_COST, LARGE_CHANGE, TITLE_LINT)
# Never published, whatever the merchandiser confirms.
SYNC_DISABLED = "sync_disabled"
CONFLICT = "conflict"
IN_REVIEW = "in_review"
VARIANT_SPREAD = "variant_spread"
TITLE_LENGTH = "title_length"
NO_CONNECTION = "no_connection"
# Outcomes of a write.
PROMOTION_LOCK = "promotion_lock"
INTEGRATION_LOCK = "integration_lock"
REFUSED = "refused"
REVIEW_REJECTED = "review_rejected"
UNREACHABLE = "unreachable"
ALREADY_LIVE = "already_live"
CANCELLED = "cancelled"
SUPERSEDED = "superseded"
IN_PROGRESS = "in_progress"

TEXT = {
    BELOW_COST: _("The new price is below the product's cost after fees."),
    LARGE_CHANGE: _("The price would change by more than the allowed percentage."),
    TITLE_LINT: _("The title breaks a marketplace rule (see the SEO findings)."),
    SYNC_DISABLED: _("Sync is turned off for this listing."),
    CONFLICT: _("Changed on the platform since the last import: choose which value to keep."),
    IN_REVIEW: _("A title is still in the platform's review."),
    VARIANT_SPREAD: _(
        "The most expensive variant would cost more than the platform allows "
        "relative to the cheapest."
    ),
    TITLE_LENGTH: _("The title is shorter or longer than the platform allows."),
    NO_CONNECTION: _("No connection to this shop: connect it first."),
    PROMOTION_LOCK: _("Locked by a promotion on the platform; tried again when it ends."),
    INTEGRATION_LOCK: _(
        "The shop is being merged with Tokopedia: only stock and price can "
        "change until that ends; tried again later."
    ),
    REFUSED: _("The platform refused the change."),
    REVIEW_REJECTED: _("The platform's review rejected the title; the old title stays live."),
    UNREACHABLE: _("The platform did not answer after several tries."),
    ALREADY_LIVE: _("The platform already shows this value."),
    CANCELLED: _("The publication was cancelled before this change was sent."),
    SUPERSEDED: _("Not sent: the value to publish changed after this publication was planned."),
    IN_PROGRESS: _("Already in a publication that has not finished."),
}


# The guards a merchandiser may confirm past, named as the preview and the job page show them.
OVERRIDE_TEXT = {
    LARGE_CHANGE: _("Price changes larger than the limit"),
    BELOW_COST: _("Prices below cost"),
    TITLE_LINT: _("Titles the lint rejects"),
}


def reason_text(code: str) -> str:
    return str(TEXT.get(code, code))
