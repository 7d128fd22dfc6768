"""Word lists for realistic Indonesian listings (brands, product types, attributes)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ProductType:
    noun: str  # Indonesian product noun, e.g. "Kaos Polos"
    category: str  # top-level category (Indonesian marketplace naming)
    subcategory: str
    brands: tuple[str, ...]
    features: tuple[str, ...]  # descriptive words for the title
    price_range: tuple[int, int]  # IDR, whole rupiah
    weight_range_g: tuple[int, int]
    dimensions_cm: tuple[int, int, int]
    tiers: tuple[tuple[str, tuple[str, ...]], ...] = ()  # variant tiers: (name, options)


COLOURS = ("Hitam", "Putih", "Navy", "Abu-abu", "Maroon", "Hijau Army", "Cream", "Coklat")
SIZES = ("S", "M", "L", "XL", "XXL")
SHOE_SIZES = ("38", "39", "40", "41", "42", "43")

PRODUCT_TYPES: tuple[ProductType, ...] = (
    # Fashion
    ProductType(
        "Kaos Polos",
        "Pakaian Pria",
        "Kaos",
        ("Erigo", "Roughneck", "Cottonink", "Thanksinsomnia", "NoBrand"),
        ("Cotton Combed 30s", "Oversize", "Lengan Pendek", "Unisex"),
        (45_000, 149_000),
        (150, 250),
        (25, 20, 2),
        (("Warna", COLOURS), ("Ukuran", SIZES)),
    ),
    ProductType(
        "Kemeja Flanel",
        "Pakaian Pria",
        "Kemeja",
        ("Erigo", "Roughneck", "Greenlight"),
        ("Lengan Panjang", "Slim Fit", "Motif Kotak"),
        (99_000, 299_000),
        (250, 400),
        (30, 25, 3),
        (("Warna", COLOURS[:5]), ("Ukuran", SIZES)),
    ),
    ProductType(
        "Gamis Syari",
        "Fashion Muslim",
        "Gamis",
        ("Zoya", "Rabbani", "Elzatta"),
        ("Bahan Wolfis", "Busui Friendly", "Polos"),
        (129_000, 459_000),
        (400, 650),
        (35, 30, 4),
        (("Warna", COLOURS), ("Ukuran", ("M", "L", "XL"))),
    ),
    ProductType(
        "Hijab Segi Empat",
        "Fashion Muslim",
        "Kerudung",
        ("Zoya", "Elzatta", "Buttonscarves"),
        ("Voal Premium", "Tegak Lurus", "Anti Kusut"),
        (35_000, 350_000),
        (80, 150),
        (20, 20, 1),
        (("Warna", COLOURS),),
    ),
    ProductType(
        "Sepatu Sneakers",
        "Sepatu Pria",
        "Sneakers",
        ("Compass", "Ventela", "Brodo", "Patrobas"),
        ("Canvas", "Low", "Vulcanized", "Original"),
        (199_000, 899_000),
        (800, 1_200),
        (33, 22, 12),
        (("Warna", COLOURS[:4]), ("Ukuran", SHOE_SIZES)),
    ),
    ProductType(
        "Celana Chino",
        "Pakaian Pria",
        "Celana Panjang",
        ("Executive", "Greenlight", "Erigo"),
        ("Stretch", "Slim Fit", "Premium"),
        (119_000, 329_000),
        (350, 500),
        (30, 25, 4),
        (("Warna", COLOURS[:6]), ("Ukuran", ("28", "30", "32", "34", "36"))),
    ),
    # Electronics
    ProductType(
        "Earphone Bluetooth TWS",
        "Audio",
        "Earphone",
        ("Xiaomi", "Baseus", "Soundcore", "JBL", "Robot"),
        ("Bluetooth 5.3", "Noise Cancelling", "Waterproof IPX5"),
        (129_000, 1_499_000),
        (80, 200),
        (12, 10, 5),
        (("Warna", ("Hitam", "Putih")),),
    ),
    ProductType(
        "Power Bank 10000mAh",
        "Handphone & Aksesoris",
        "Power Bank",
        ("Anker", "Xiaomi", "Baseus", "Robot", "Vivan"),
        ("Fast Charging 22.5W", "USB-C PD", "Slim"),
        (149_000, 499_000),
        (200, 300),
        (15, 8, 3),
        (("Warna", ("Hitam", "Putih", "Biru")),),
    ),
    ProductType(
        "Kabel Data USB Type C",
        "Handphone & Aksesoris",
        "Kabel & Konverter",
        ("Baseus", "Ugreen", "Anker", "Vivan"),
        ("Fast Charging 3A", "Braided Nylon", "1 Meter"),
        (25_000, 149_000),
        (50, 100),
        (15, 10, 2),
        (("Panjang", ("1m", "2m")),),
    ),
    ProductType(
        "Smartwatch",
        "Wearable",
        "Jam Tangan Pintar",
        ("Xiaomi", "Amazfit", "Huawei", "Samsung"),
        ("Layar AMOLED", "GPS", "Tahan Air 5ATM"),
        (399_000, 3_999_000),
        (150, 300),
        (12, 10, 8),
        (("Warna", ("Hitam", "Silver", "Pink")),),
    ),
    ProductType(
        "Rice Cooker Digital",
        "Elektronik Rumah Tangga",
        "Penanak Nasi",
        ("Miyako", "Cosmos", "Philips", "Yong Ma"),
        ("1.8 Liter", "Anti Lengket", "Low Watt"),
        (249_000, 1_299_000),
        (2_500, 4_000),
        (35, 35, 30),
        (),
    ),
    ProductType(
        "Mouse Wireless",
        "Komputer & Aksesoris",
        "Mouse",
        ("Logitech", "Rexus", "Fantech", "Robot"),
        ("Silent Click", "2.4GHz", "Ergonomis"),
        (59_000, 499_000),
        (80, 150),
        (12, 8, 5),
        (("Warna", ("Hitam", "Putih", "Abu-abu")),),
    ),
    # FMCG
    ProductType(
        "Serum Wajah",
        "Perawatan & Kecantikan",
        "Serum",
        ("Somethinc", "Skintific", "Wardah", "Avoskin", "Scarlett"),
        ("Niacinamide 10%", "Brightening", "30ml", "BPOM"),
        (45_000, 189_000),
        (80, 150),
        (10, 5, 5),
        (),
    ),
    ProductType(
        "Sunscreen SPF 50",
        "Perawatan & Kecantikan",
        "Tabir Surya",
        ("Azarine", "Wardah", "Skin Aqua", "Emina"),
        ("PA++++", "Gel", "50ml", "Ringan Tidak Lengket"),
        (35_000, 125_000),
        (80, 120),
        (12, 5, 4),
        (),
    ),
    ProductType(
        "Kopi Bubuk Arabika",
        "Makanan & Minuman",
        "Kopi",
        ("Kapal Api", "Kopi Kenangan", "Otten Coffee", "Toraja Coffee"),
        ("250 gram", "Single Origin", "Medium Roast"),
        (45_000, 180_000),
        (270, 300),
        (18, 10, 6),
        (("Gilingan", ("Biji", "Halus", "Sedang")),),
    ),
    ProductType(
        "Minyak Goreng 2 Liter",
        "Makanan & Minuman",
        "Minyak",
        ("Bimoli", "Sania", "Filma", "Tropical"),
        ("Pouch", "Kelapa Sawit", "2L"),
        (32_000, 45_000),
        (1_900, 2_100),
        (25, 15, 8),
        (),
    ),
    ProductType(
        "Popok Bayi Celana",
        "Ibu & Bayi",
        "Popok",
        ("MamyPoko", "Merries", "Sweety", "Pampers"),
        ("Isi 34", "Extra Soft", "Anti Bocor"),
        (79_000, 189_000),
        (1_500, 2_500),
        (40, 25, 20),
        (("Ukuran", ("M", "L", "XL", "XXL")),),
    ),
    ProductType(
        "Shampoo Anti Ketombe",
        "Perawatan & Kecantikan",
        "Perawatan Rambut",
        ("Clear", "Head & Shoulders", "Sunsilk", "Pantene"),
        ("340ml", "Menthol", "Botol"),
        (29_000, 69_000),
        (380, 420),
        (20, 8, 6),
        (),
    ),
    # Home
    ProductType(
        "Sprei Katun Jepang",
        "Perlengkapan Rumah",
        "Sprei & Bed Cover",
        ("Rosewell", "Lady Rose", "Kintakun"),
        ("Motif Minimalis", "Anti Luntur", "Set Sarung Bantal"),
        (89_000, 349_000),
        (900, 1_400),
        (35, 30, 8),
        (("Ukuran", ("120x200", "160x200", "180x200")),),
    ),
    ProductType(
        "Rak Sepatu Susun",
        "Perlengkapan Rumah",
        "Penyimpanan",
        ("Informa", "Ace", "NoBrand"),
        ("5 Susun", "Besi Anti Karat", "Mudah Dirakit"),
        (59_000, 399_000),
        (1_500, 4_000),
        (60, 20, 10),
        (),
    ),
    ProductType(
        "Panci Set Anti Lengket",
        "Perlengkapan Dapur",
        "Peralatan Masak",
        ("Maspion", "Oxone", "Kirin", "Supra"),
        ("Isi 5 Pcs", "Marble Coating", "Bisa Kompor Induksi"),
        (149_000, 899_000),
        (2_500, 5_000),
        (40, 30, 25),
        (),
    ),
    ProductType(
        "Lampu LED Bohlam",
        "Perlengkapan Rumah",
        "Lampu",
        ("Philips", "Hannochs", "Panasonic", "Shinyoku"),
        ("Cahaya Putih", "Hemat Energi", "E27"),
        (15_000, 89_000),
        (50, 100),
        (12, 7, 7),
        (("Daya", ("9W", "12W", "15W")),),
    ),
    # Books
    ProductType(
        "Buku Novel",
        "Buku & Majalah",
        "Novel",
        ("Gramedia Pustaka Utama", "Mizan", "Bentang Pustaka", "Gagas Media"),
        ("Original", "Bahasa Indonesia", "Soft Cover"),
        (59_000, 149_000),
        (250, 500),
        (20, 14, 3),
        (),
    ),
    ProductType(
        "Buku Pelajaran SD",
        "Buku & Majalah",
        "Buku Pelajaran",
        ("Erlangga", "Yudhistira", "Tiga Serangkai"),
        ("Kurikulum Merdeka", "Kelas 1-6", "Full Color"),
        (45_000, 129_000),
        (300, 600),
        (28, 21, 2),
        (("Kelas", ("1", "2", "3", "4", "5", "6")),),
    ),
)

NOVEL_TITLES = (
    "Laskar Pelangi",
    "Bumi Manusia",
    "Cantik Itu Luka",
    "Pulang",
    "Hujan",
    "Negeri 5 Menara",
    "Ronggeng Dukuh Paruk",
    "Perahu Kertas",
)

DESCRIPTION_OPENERS = (
    "Produk original dan berkualitas, siap kirim dari gudang kami di Jakarta.",
    "Barang dijamin baru dan bergaransi resmi.",
    "Cocok untuk pemakaian sehari-hari maupun hadiah untuk orang tersayang.",
    "Stok selalu tersedia, pesanan dikirim di hari yang sama sebelum jam 15.00.",
)
DESCRIPTION_CLOSERS = (
    "Silakan tanyakan stok sebelum memesan.",
    "Jangan lupa follow toko kami untuk promo menarik.",
    "Garansi uang kembali jika barang tidak sesuai.",
    "Terima kasih telah berbelanja di toko kami.",
)
PROMO_WORDS = ("PROMO", "MURAH", "TERLARIS", "BEST SELLER", "DISKON 50%", "COD", "READY STOCK")
EMOJI = ("🔥", "✨", "⭐", "💯", "🎁")
