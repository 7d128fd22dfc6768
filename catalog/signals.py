"""What the catalog tells whoever keeps records about its listings (it imports none of them).

`listing_moved` is sent, inside the transaction that moved it, when a listing is put on
another master product (a split, a merchandiser's link, a same-SKU claim); the imports app
points that listing's raw records at the new product.
"""

from __future__ import annotations

from django.dispatch import Signal

# kwargs: organization_id, platform, platform_product_id, master_product_id
listing_moved = Signal()
