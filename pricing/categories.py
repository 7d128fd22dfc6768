"""Which fee category group a product's category falls in (platform fee tables use these)."""

from __future__ import annotations

GROUP_KEYWORDS = {
    "fashion": (
        "pakaian",
        "fashion",
        "sepatu",
        "tas",
        "busana",
        "hijab",
        "kerudung",
        "baju",
        "celana",
        "kaos",
        "gamis",
        "aksesoris fashion",
        "jam tangan",
    ),
    "electronics": (
        "elektronik",
        "audio",
        "handphone",
        "komputer",
        "laptop",
        "wearable",
        "kamera",
        "gadget",
        "gaming",
    ),
    "fmcg": (
        "makanan",
        "minuman",
        "kecantikan",
        "perawatan",
        "ibu & bayi",
        "bayi",
        "kesehatan",
        "kebutuhan",
    ),
    "lifestyle": (
        "rumah",
        "dapur",
        "hobi",
        "olahraga",
        "otomotif",
        "mainan",
        "buku",
        "perlengkapan",
        "dekorasi",
    ),
}


def category_group(category: str) -> str:
    """The fee group of a (top-level) category name; "others" when nothing matches."""
    text = (category or "").casefold()
    for group, keywords in GROUP_KEYWORDS.items():
        if any(keyword in text for keyword in keywords):
            return group
    return "others"
