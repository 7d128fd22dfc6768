"""Word lists of the dirty-seller profile: a small Indonesian general store (garden, packaging,
tools, beauty, gadgets, groceries, fashion), after shared/marketplaces/real-catalogs.md.

Categories reuse the default vocabulary's (category, subcategory) pairs, so both platforms'
category endpoints stay the same for every profile.
"""

from __future__ import annotations

from dataclasses import dataclass

# A size part: (amount, unit). Amounts use "." as decimal point; units are the canonical short
# unit ("L", "ml", "gr", "kg", "m", "mm", "cm", "mAh", "W"), a pack word ("lembar", "pcs",
# "sachet"), "size" (a letter size) or "warna" (a colour name as the amount).
SizePart = tuple[str, str]


@dataclass(frozen=True)
class Size:
    parts: tuple[SizePart, ...]
    factor: float  # price and weight multiplier against the type's base

    @property
    def label(self) -> str:
        """The canonical label, e.g. "1L", "12mm x 4.5m", "20 lembar", "Hitam"."""
        return " x ".join(_canonical(amount, unit) for amount, unit in self.parts)

    @property
    def is_pack(self) -> bool:
        return self.parts[0][1] in PACK_UNITS


def _canonical(amount: str, unit: str) -> str:
    if unit == "warna":
        return amount
    if unit == "size":
        return f"Size {amount}"
    if unit in PACK_UNITS:
        return f"{amount} {unit}"
    return f"{amount}{unit}"


PACK_UNITS = ("lembar", "pcs", "sachet")
LONG_UNITS = {"L": "Liter", "gr": "gram", "m": "Meter", "ml": "ML", "W": "Watt", "kg": "Kg"}


def vol(*amounts_and_factors: tuple[str, str, float]) -> tuple[Size, ...]:
    return tuple(Size(((amount, unit),), factor) for amount, unit, factor in amounts_and_factors)


@dataclass(frozen=True)
class DirtyType:
    noun: str
    aliases: tuple[str, ...]  # the same thing in other words ("Eye Drops" / "Obat Tetes Mata")
    category: str  # an existing (category, subcategory) pair of vocabulary.PRODUCT_TYPES
    subcategory: str
    brands: tuple[str, ...]
    words: tuple[str, ...]  # descriptive phrases for long titles
    sizes: tuple[Size, ...]  # what siblings differ by, in increasing price order
    price_range: tuple[int, int]  # IDR for the first size
    weight_range_g: tuple[int, int]  # for the first size
    dimensions_cm: tuple[int, int, int]
    symbols: tuple[str, ...] = ()  # phrases with + / ( ) that a platform's tool rewrites
    tiers: tuple[tuple[str, tuple[str, ...]], ...] = ()


COLOURS = ("Hitam", "Putih", "Burgundy", "Sky Blue", "Cream", "Navy", "Sage Green", "Abu-abu")
# How the seller renamed colours on TikTok Shop / Tokopedia.
COLOUR_TRANSLATIONS = {
    "Burgundy": "Marun Tua",
    "Sky Blue": "Biru Langit",
    "Cream": "Krem",
    "Navy": "Biru Dongker",
    "Sage Green": "Hijau Sage",
}

DIRTY_TYPES: tuple[DirtyType, ...] = (
    DirtyType(
        "Pupuk Cair",
        ("Pupuk Organik Cair", "POC"),
        "Perlengkapan Rumah",
        "Penyimpanan",
        ("Kyokan", "Gandasil", "Growmore", "NASA", "Mamigo"),
        (
            "Pembesar Buah",
            "dan Dorman Breaker",
            "Penyubur Daun",
            "Perangsang Akar",
            "Booster Pembuahan",
            "Anti Rontok Bunga",
            "untuk Tanaman Buah",
            "Sayur dan Bunga",
            "Cepat Berbuah",
        ),
        vol(("500", "ml", 0.6), ("1", "L", 1.0), ("2", "L", 1.8), ("5", "L", 4.0)),
        (25_000, 90_000),
        (1_000, 1_100),
        (10, 10, 28),
        ("Hormon GA4+7", "Tanaman Hias / Buah", "(Konsentrat)"),
    ),
    DirtyType(
        "Terusi",
        ("Fungisida Terusi",),
        "Perlengkapan Rumah",
        "Penyimpanan",
        ("CuSO4", "Cap Kapal", "NoBrand"),
        (
            "Copper Sulfate",
            "Fungisida",
            "Pembasmi Lumut",
            "Kolam Ikan",
            "Anti Jamur Tanaman",
            "Kristal Biru",
            "Kemurnian Tinggi",
        ),
        vol(("100", "gr", 1.0), ("250", "gr", 2.2), ("500", "gr", 4.0), ("1", "kg", 7.5)),
        (10_000, 25_000),
        (100, 120),
        (12, 8, 3),
        ("Lumut + Jamur", "(Serbuk Kristal)"),
    ),
    DirtyType(
        "Plastik Klip",
        ("Plastik Zipper", "Ziplock Bag"),
        "Perlengkapan Rumah",
        "Penyimpanan",
        ("Klip Jaya", "Cap Gajah", "NoBrand"),
        (
            "Zipper Bag",
            "Bening Tebal",
            "Transparan",
            "untuk Makanan dan Obat",
            "Food Grade",
            "Uk 10x15 cm",
            "Tahan Sobek",
        ),
        (
            Size((("10", "lembar"),), 0.6),
            Size((("20", "lembar"),), 1.0),
            Size((("50", "lembar"),), 2.2),
            Size((("100", "lembar"),), 4.0),
        ),
        (10_000, 30_000),
        (60, 90),
        (20, 15, 2),
        ("Klip / Ziplock", "(Tebal)"),
    ),
    DirtyType(
        "Double Tape",
        ("Dobel Tip", "Double Tip"),
        "Perlengkapan Rumah",
        "Penyimpanan",
        ("3M", "Nachi", "Daimaru"),
        (
            "VHB",
            "Perekat Kuat",
            "Bening Transparan",
            "Tahan Air",
            "untuk Kaca Logam Plastik",
            "Busa Akrilik",
            "Outdoor Indoor",
        ),
        (
            Size((("12", "mm"), ("4.5", "m")), 1.0),
            Size((("24", "mm"), ("4.5", "m")), 1.8),
            Size((("12", "mm"), ("10", "m")), 2.1),
        ),
        (22_000, 60_000),
        (80, 120),
        (10, 10, 3),
        ("Kaca + Logam", "(Heavy Duty)"),
    ),
    DirtyType(
        "Serum Wajah",
        ("Face Serum", "Serum Muka"),
        "Perawatan & Kecantikan",
        "Serum",
        ("Somethinc", "Skintific", "Avoskin", "Wardah", "Scarlett"),
        (
            "Niacinamide 10%",
            "Brightening",
            "Mencerahkan Wajah",
            "Acne Spot",
            "Glowing",
            "BPOM",
            "untuk Kulit Berminyak",
            "Hyaluronic Acid",
        ),
        vol(("20", "ml", 1.0), ("30", "ml", 1.4), ("50", "ml", 2.1)),
        (45_000, 120_000),
        (80, 100),
        (10, 5, 5),
        ("Niacinamide + Zinc", "(Kulit Sensitif)", "Pagi / Malam"),
    ),
    DirtyType(
        "Eye Drops",
        ("Obat Tetes Mata", "Obat Mata"),
        "Perawatan & Kecantikan",
        "Serum",
        ("Rohto", "Insto", "Visine"),
        ("Mata Merah", "Mata Kering", "Cool", "Menyegarkan", "Iritasi Ringan", "Tetes Mata"),
        vol(("7", "ml", 1.0), ("13", "ml", 1.6), ("15", "ml", 1.8)),
        (12_000, 30_000),
        (30, 40),
        (8, 4, 4),
        ("(Mata Lelah)",),
    ),
    DirtyType(
        "Eartips",
        ("Ear Tips", "Karet Earphone"),
        "Audio",
        "Earphone",
        ("Moondrop", "KZ", "Spinfit"),
        ("Silicone", "IEM", "Earphone In Ear", "Nyaman", "Anti Slip", "Isi 3 Pasang", "Bass"),
        (
            Size((("S", "size"),), 1.0),
            Size((("M", "size"),), 1.1),
            Size((("L", "size"),), 1.2),
        ),
        (35_000, 150_000),
        (20, 30),
        (6, 6, 2),
        ("Moondrop / Sweet Saphire", "Spring Tips + Case", "(1 Set)"),
    ),
    DirtyType(
        "Kabel Data USB Type C",
        ("Kabel Charger Type C", "Kabel Casan USB C"),
        "Handphone & Aksesoris",
        "Kabel & Konverter",
        ("Baseus", "Ugreen", "Vivan", "Robot"),
        (
            "Fast Charging 3A",
            "Braided Nylon",
            "Quick Charge",
            "Support Data Transfer",
            "Anti Putus",
            "Garansi Resmi",
        ),
        vol(("0.5", "m", 0.8), ("1", "m", 1.0), ("2", "m", 1.3)),
        (25_000, 90_000),
        (50, 70),
        (15, 10, 2),
        ("USB A / Type C", "PD 20W + QC 3.0"),
    ),
    DirtyType(
        "Power Bank",
        ("Powerbank", "Baterai Cadangan"),
        "Handphone & Aksesoris",
        "Power Bank",
        ("Anker", "Xiaomi", "Baseus", "Robot", "Vivan"),
        ("Fast Charging 22.5W", "USB-C PD", "Slim", "Garansi Resmi", "LED Display"),
        vol(("5000", "mAh", 0.7), ("10000", "mAh", 1.0), ("20000", "mAh", 1.6)),
        (149_000, 399_000),
        (200, 260),
        (15, 8, 3),
        ("Type C + Micro USB", "(2 Output)"),
        (("Warna", ("Hitam", "Putih", "Sky Blue", "Cream")),),
    ),
    DirtyType(
        "Minyak Goreng",
        ("Minyak Sawit",),
        "Makanan & Minuman",
        "Minyak",
        ("Bimoli", "Sania", "Filma", "Tropical"),
        ("Pouch", "Kelapa Sawit", "Jernih", "Kemasan Refill", "Tidak Mudah Beku"),
        vol(("1", "L", 1.0), ("2", "L", 1.9)),
        (16_000, 24_000),
        (950, 1_050),
        (20, 12, 6),
    ),
    DirtyType(
        "Kopi Bubuk Arabika",
        ("Bubuk Kopi Arabica",),
        "Makanan & Minuman",
        "Kopi",
        ("Kapal Api", "Otten Coffee", "Toraja Coffee", "Kopi Gayo"),
        ("Single Origin", "Medium Roast", "Fresh Roasted", "Gilingan Halus", "Aroma Kuat"),
        vol(("100", "gr", 0.5), ("250", "gr", 1.0), ("500", "gr", 1.9), ("1", "kg", 3.6)),
        (40_000, 90_000),
        (260, 290),
        (18, 10, 6),
        ("Arabika / Robusta", "(Biji atau Bubuk)"),
    ),
    DirtyType(
        "Popok Bayi Celana",
        ("Pampers Celana",),
        "Ibu & Bayi",
        "Popok",
        ("MamyPoko", "Merries", "Sweety", "Pampers"),
        ("Extra Soft", "Anti Bocor", "Tipis dan Lembut", "Anti Ruam"),
        (
            Size((("20", "pcs"),), 0.6),
            Size((("34", "pcs"),), 1.0),
            Size((("50", "pcs"),), 1.4),
        ),
        (79_000, 150_000),
        (1_200, 1_600),
        (40, 25, 20),
        ("(Size M / L)",),
    ),
    DirtyType(
        "Kaos Polos",
        ("Kaos Oblong", "T-Shirt Polos"),
        "Pakaian Pria",
        "Kaos",
        ("Erigo", "Roughneck", "Cottonink", "NoBrand"),
        ("Cotton Combed 30s", "Oversize", "Lengan Pendek", "Unisex", "Adem", "Tidak Luntur"),
        (
            Size((("Hitam", "warna"),), 1.0),
            Size((("Putih", "warna"),), 1.05),
            Size((("Navy", "warna"),), 1.1),
            Size((("Burgundy", "warna"),), 1.15),
        ),
        (45_000, 129_000),
        (150, 250),
        (25, 20, 2),
        ("Pria / Wanita", "(Bisa Custom)"),
        (("Ukuran", ("S", "M", "L", "XL", "XXL")),),
    ),
    DirtyType(
        "Hijab Segi Empat",
        ("Kerudung Segi Empat", "Jilbab Segiempat"),
        "Fashion Muslim",
        "Kerudung",
        ("Zoya", "Elzatta", "Buttonscarves", "NoBrand"),
        ("Voal Premium", "Tegak Lurus", "Anti Kusut", "Motif Polos", "Mudah Dibentuk"),
        vol(("110", "cm", 1.0), ("130", "cm", 1.2), ("150", "cm", 1.4)),
        (35_000, 150_000),
        (80, 150),
        (20, 20, 1),
        ("Voal + Paris", "(Laser Cut)"),
        (("Warna", COLOURS),),
    ),
    DirtyType(
        "Lampu LED Bohlam",
        ("Bohlam LED", "Lampu Bulb LED"),
        "Perlengkapan Rumah",
        "Lampu",
        ("Philips", "Hannochs", "Shinyoku", "Luby"),
        ("Cahaya Putih", "Hemat Energi", "E27", "Garansi 1 Tahun", "Tidak Panas"),
        vol(("9", "W", 1.0), ("12", "W", 1.25), ("18", "W", 1.6)),
        (12_000, 40_000),
        (50, 70),
        (12, 7, 7),
        ("Putih / Kuning", "(Isi 4)"),
    ),
)

# Generic words that make titles long without changing what the product is.
FILLER_WORDS = (
    "Kualitas Terbaik",
    "Awet",
    "Tahan Lama",
    "Serbaguna",
    "Praktis",
    "Ecer dan Grosir",
    "Harga Grosir",
    "Barang Baru",
    "Kirim Cepat",
    "Kemasan Aman",
    "Produk Lokal",
    "Stok Banyak",
    "Langsung Pakai",
)

PROMO_PREFIXES = (
    "COD ",
    "MURAH ",
    "PROMO ",
    "READY STOCK ",
    "ORIGINAL ",
    "BEST SELLER ",
    "\u3010PROMO\u3011",
    "\u3010COD\u3011",
    "PROMO MURAH!! ",
    "[{shop}] ",
)
PROMO_SUFFIXES = (" COD", " MURAH", " ORIGINAL", " READY STOCK", " BEST SELLER", " [{shop}]")
SHOP_NAMES = ("Toko Tani Jaya", "Sumber Makmur", "Berkah Jaya Abadi", "Grosir Sby", "JayaTools")
EMOJI = ("❤️", "⭐", "💖", "✨", "⭐⭐⭐⭐⭐", "♥")
# UTF-8 bytes written out as text by a broken export tool (backslash, x, hex digits).
BYTE_ESCAPES = ("\\xe2\\x9d\\xa4", "\\xe2\\xad\\x90", "\\xf0\\x9f\\x92\\x96", "\\xe2\\x9c\\xa8")
# What sellers type when a SKU is required but they have none (Shopee side; TikTok gets "1").
PLACEHOLDER_SKUS = ("-", "0", "sku", "SKU", "n/a", "NA", "none", "tidak ada", " ", ".", "123")
MODEL_LETTERS = "ABCDEGHKMNPRSTVXZ"
