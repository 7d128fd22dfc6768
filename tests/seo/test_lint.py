"""Sixty-odd realistic Indonesian listings with the findings and scores they should get."""

import random
from dataclasses import asdict

import pytest

from core.platforms import TITLE_RULES
from seo import lint
from seo.lint import lint_description, lint_text, lint_title
from seo.scoring import seo_score

# (platform, title, brand, expected error codes, expected score band)
CLEAN, WEAK, BAD = (85, 100), (60, 84), (0, 59)
TITLES = [
    # Fashion
    ("shopee", "Erigo Kaos Polos Cotton Combed 30s Oversize Unisex", "Erigo", set(), CLEAN),
    (
        "shopee",
        "Roughneck Kemeja Flanel Lengan Panjang Motif Kotak Slim Fit",
        "Roughneck",
        set(),
        CLEAN,
    ),
    ("shopee", "Zoya Hijab Segi Empat Voal Premium Anti Kusut", "Zoya", set(), CLEAN),
    ("shopee", "Rabbani Gamis Syari Bahan Wolfis Busui Friendly", "Rabbani", set(), CLEAN),
    (
        "shopee",
        "Compass Sepatu Sneakers Canvas Low Vulcanized Hitam Putih",
        "Compass",
        set(),
        CLEAN,
    ),
    ("shopee", "Ventela Sepatu Sneakers Public Low Black Natural", "Ventela", set(), CLEAN),
    ("shopee", "Kaos Polos MURAH Cotton Combed 30s", "", {"promo"}, BAD),
    ("shopee", "🔥 Kaos Oversize Distro Pria Wanita 🔥", "", {"symbols"}, BAD),
    ("shopee", "Kemeja Flanel PROMO Diskon 50% Lengan Panjang", "", {"promo"}, BAD),
    ("shopee", "Hijab Segi Empat Best Seller Voal Premium", "", {"promo"}, BAD),
    ("shopee", "Gamis Syari Ready Stock Bisa COD Termurah", "", {"promo"}, BAD),
    (
        "shopee",
        "Sepatu Sneakers Pria sepatu sneakers wanita sepatu sneakers anak",
        "",
        {"stuffing"},
        BAD,
    ),
    ("tiktokshop", "Celana Chino Pria Stretch Slim Fit Premium Warna Navy", "", set(), CLEAN),
    ("tiktokshop", "Kaos Polos Pria Lengan Pendek Bahan Katun", "", set(), CLEAN),
    ("tiktokshop", "Kaos Polos", "", {"too_short"}, BAD),
    ("tiktokshop", "Hijab Instan Cek Shopee Juga Ya Kak", "", {"platform_name"}, BAD),
    ("tiktokshop", "Kemeja Batik Pria Lengan Panjang Cuci Gudang", "", {"promo"}, BAD),
    ("tiktokshop", "Sandal Jepit Pria Viral Nyaman Dipakai Harian", "", {"promo"}, BAD),
    # Electronics
    (
        "shopee",
        "Xiaomi Redmi Buds 4 Active TWS Bluetooth 5.3 Garansi Resmi",
        "Xiaomi",
        set(),
        CLEAN,
    ),
    ("shopee", "Anker Power Bank 10000mAh PowerCore Slim 22.5W USB-C", "Anker", set(), CLEAN),
    ("shopee", "Baseus Kabel Data USB Type C Fast Charging 3A 1 Meter", "Baseus", set(), CLEAN),
    ("shopee", "Logitech Mouse Wireless M331 Silent Plus", "Logitech", set(), CLEAN),
    ("shopee", "Miyako Rice Cooker Digital 1.8 Liter Anti Lengket", "Miyako", set(), CLEAN),
    ("shopee", "Samsung Galaxy Watch 6 Smartwatch Layar AMOLED GPS", "Samsung", set(), CLEAN),
    ("shopee", "Earphone TWS Bluetooth Murah Meriah Bass Mantap", "", {"promo"}, BAD),
    ("shopee", "Power Bank 20000mAh Gratis Ongkir Se-Indonesia", "", {"promo"}, BAD),
    ("shopee", "Mouse Gaming RGB hubungi 0812-3456-7890", "", {"phone"}, BAD),
    ("shopee", "Kabel Data Type C www.tokokabel.com Original", "", {"url"}, BAD),
    (
        "shopee",
        "Charger Fast Charging Lebih Murah dari Tokopedia",
        "",
        {"promo", "platform_name"},
        BAD,
    ),
    ("shopee", "Smartwatch ⭐⭐⭐⭐⭐ Tahan Air GPS", "", {"symbols"}, BAD),
    (
        "tiktokshop",
        "Robot Earphone Bluetooth TWS Noise Cancelling Bluetooth 5.3",
        "Robot",
        set(),
        CLEAN,
    ),
    ("tiktokshop", "Vivan Power Bank 10000mAh Fast Charging 22.5W Slim", "Vivan", set(), CLEAN),
    ("tiktokshop", "Lampu LED Bohlam 12W Cahaya Putih Hemat Energi E27", "", set(), CLEAN),
    ("tiktokshop", "Speaker Bluetooth Flash Sale Hari Ini Saja", "", {"promo"}, BAD),
    ("tiktokshop", "Mouse Wireless Cek Lazada Kami Lebih Lengkap", "", {"platform_name"}, BAD),
    ("tiktokshop", "Kabel Data ⚡⚡ Fast Charging Type C 2 Meter", "", {"symbols"}, BAD),
    # FMCG
    ("shopee", "Somethinc Niacinamide 10% Serum Brightening 20ml", "Somethinc", set(), CLEAN),
    ("shopee", "Wardah Sunscreen Gel SPF 50 PA++++ 50ml", "Wardah", set(), CLEAN),
    ("shopee", "Kapal Api Kopi Bubuk Arabika Medium Roast 250 gram", "Kapal Api", set(), CLEAN),
    ("shopee", "MamyPoko Popok Bayi Celana Extra Soft Ukuran L Isi 34", "MamyPoko", set(), CLEAN),
    ("shopee", "Clear Shampoo Anti Ketombe Menthol 340ml", "Clear", set(), CLEAN),
    ("shopee", "Bimoli Minyak Goreng Pouch 2 Liter", "Bimoli", set(), CLEAN),
    ("shopee", "Serum Wajah Glowing Cashback 10rb", "", {"promo"}, BAD),
    ("shopee", "Sunscreen SPF 50 Beli 1 Gratis 1", "", {"promo"}, BAD),
    ("shopee", "Kopi Arabika Toraja Order via WA 081234567890", "", {"phone"}, BAD),
    ("shopee", "Popok Bayi Stok Terbatas Buruan", "", {"promo"}, BAD),
    ("tiktokshop", "Daster Rayon Jumbo Ready Stok Adem Dipakai", "", {"promo"}, BAD),
    (
        "tiktokshop",
        "Skintific 5X Ceramide Barrier Repair Moisturize Gel 30ml",
        "Skintific",
        set(),
        CLEAN,
    ),
    ("tiktokshop", "Azarine Hydrasoothe Sunscreen Gel SPF 45 PA++++ 50ml", "Azarine", set(), CLEAN),
    ("tiktokshop", "Minyak Goreng Sania 2 Liter Bonus Gelas", "", {"promo"}, BAD),
    ("tiktokshop", "Shampoo Anti Ketombe Limited Edition 340ml", "", {"promo"}, BAD),
    ("tiktokshop", "Kopi Susu Gula Aren 🤎☕ Literan Enak", "", {"symbols"}, BAD),
    # Books
    ("shopee", "Buku Novel Laskar Pelangi Andrea Hirata Bentang Pustaka", "", set(), CLEAN),
    (
        "shopee",
        "Gramedia Novel Bumi Manusia Pramoedya Ananta Toer Soft Cover",
        "Gramedia",
        set(),
        CLEAN,
    ),
    (
        "shopee",
        "Erlangga Buku Pelajaran Matematika SD Kelas 4 Kurikulum Merdeka",
        "Erlangga",
        set(),
        CLEAN,
    ),
    ("shopee", "Novel Cantik Itu Luka Eka Kurniawan Original 100%", "", {"promo"}, BAD),
    ("shopee", "Buku Resep Masakan Nusantara Diskon Akhir Tahun", "", {"promo"}, BAD),
    ("tiktokshop", "Mizan Novel Negeri 5 Menara Ahmad Fuadi Soft Cover", "Mizan", set(), CLEAN),
    ("tiktokshop", "Buku Mewarnai Anak TK Seri Hewan Lucu 32 Halaman", "", set(), CLEAN),
    ("tiktokshop", "Buku Pelajaran SD Cek Bukalapak Juga", "", {"platform_name"}, BAD),
    ("tiktokshop", "Novel Hujan Tere Liye 📚 Original", "", {"symbols"}, BAD),
    # Home
    ("shopee", "Oxone Panci Set Anti Lengket Isi 5 Pcs Marble Coating", "Oxone", set(), CLEAN),
    ("shopee", "Rak Sepatu Susun 5 Besi Anti Karat Mudah Dirakit", "", set(), CLEAN),
    ("shopee", "Sprei Katun Jepang 160x200 Motif Minimalis", "", set(), CLEAN),
    ("tiktokshop", "Panci Set Anti Lengket Termurah Sejagat", "", {"promo"}, BAD),
]


def test_there_are_at_least_sixty_cases():
    assert len(TITLES) >= 60


@pytest.mark.parametrize(
    ("platform", "title", "brand", "errors", "band"), TITLES, ids=[t[1][:40] for t in TITLES]
)
def test_title_findings_and_score(platform, title, brand, errors, band):
    found = {
        f.code for f in lint_title(title, **asdict(TITLE_RULES[platform])) if f.severity == "error"
    }
    assert found == errors
    score = seo_score(title, platform, brand=brand, **asdict(TITLE_RULES[platform]))
    assert band[0] <= score.value <= band[1], score.reasons
    for reason in score.reasons:
        assert reason["message"] and reason["points"] < 0  # every deduction says why


DESCRIPTIONS = [
    (
        "shopee",
        "Kaos polos berbahan cotton combed 30s yang adem dan menyerap keringat. Cocok "
        "dipakai sehari-hari untuk kuliah, kerja atau santai. Tersedia ukuran S sampai "
        "XXL dengan jahitan rapi. Isi paket: 1 kaos dalam plastik. Cuci dengan air "
        "dingin.",
        set(),
        False,
    ),
    ("shopee", "Bagus murah", {"promo"}, True),
    (
        "shopee",
        " ".join(f"#tag{i}" for i in range(19)) + " kaos polos katun " * 10,
        {"hashtags"},
        False,
    ),
    (
        "tiktokshop",
        "Hubungi kami di WA 0812 3456 7890 atau kunjungi www.toko.co.id untuk "
        "katalog lengkap produk kami yang lain, ada banyak pilihan warna dan ukuran "
        "untuk semua kebutuhan keluarga anda di rumah setiap hari.",
        {"phone", "url"},
        False,
    ),
    (
        "tiktokshop",
        "Serum ini bisa dibeli juga di Shopee dan Tokopedia kami. " + "Cocok untuk "
        "kulit berminyak dan kering, dipakai pagi dan malam setelah cuci muka. " * 2,
        {"platform_name"},
        False,
    ),
]


@pytest.mark.parametrize(("platform", "text", "errors", "short"), DESCRIPTIONS)
def test_description_findings(platform, text, errors, short):
    findings = lint_description(text, platform)
    assert {f.code for f in findings if f.severity == "error"} == errors
    assert any(f.code == "short_description" for f in findings) is short


@pytest.mark.parametrize(
    ("text", "errors"),
    [
        ("Kaos katun • adem — DISKON akhir tahun ✓", {"promo"}),
        ("Kemeja batik • bisa juga di Tokopedia — motif parang", {"platform_name"}),
        ("Sepatu lari • info lengkap di WWW.TOKO.CO.ID", {"url"}),
        ("Tas kulit • hubungi \uff10\uff18\uff11\uff12 atau 0812-3456-7890", {"phone"}),
        ("D\u0131skon besar • kaos", {"promo"}),  # dotless i: IGNORECASE takes it for an i
        ("Topi • \u0130nstagram kami", {"platform_name"}),  # dotted capital I, likewise
        ("Jaket • \u017fale musim hujan", {"promo"}),  # long s
        ("Celana • cashbac\u212a 10 ribu", {"promo"}),  # Kelvin sign
        ("Kaos polos • bahan adem • jahitan rapi", set()),
    ],
)
def test_text_beyond_ascii_is_searched_as_the_patterns_read_it(text, errors):
    """What the look-ups let pass is what the patterns find, whatever the characters."""
    assert {finding.code for finding in lint_text(text)} == errors
    expected = {
        code
        for code, pattern in [
            ("promo", lint._PROMO),
            ("platform_name", lint._PLATFORM),
            ("url", lint._URL),
            ("phone", lint._PHONE),
        ]
        if pattern.search(text)
    }
    assert expected == errors


@pytest.mark.parametrize(("count", "short"), [(0, True), (29, True), (30, False), (5000, False)])
def test_description_words_are_counted_up_to_the_minimum(count, short):
    text = " ".join(f"kata{n}" for n in range(count))
    findings = [f for f in lint_description(text, "shopee") if f.code == "short_description"]
    assert bool(findings) is short
    if short:
        assert findings[0].params == {"count": count, "minimum": 30}


@pytest.mark.parametrize(
    "text",
    [
        "FLASH SALE murah meriah termurah, BEST SELLER terlaris — laris manis",
        "Beli 2 gratis 1, buy 1 get 1, 50% off, original 100 % asli, ready stock",
        "Kaos polos gratis ongkir • free ongkir • cashback • COD • limited edition",
        "stok terbatas, cuci gudang, obral, diskon, disc, discount, promo, bonus, viral",
        "Sepatu lari sale-sale-sale salep disco codet promosi",  # words around the words
        "Kemeja batik lengan panjang, bahan katun adem, jahitan rapi",
    ],
)
def test_a_text_searched_with_some_promotional_patterns_finds_what_all_of_them_find(text):
    expected = [match.group(0) for match in lint._PROMO.finditer(text)]
    found = [finding.excerpt for finding in lint_text(text) if finding.code == "promo"]
    assert found == expected


PROMOTION_PIECES = (
    "promo MURAH meriah termurah Diskon disc discount SALE flash cuci gudang obral terlaris "
    "best seller laris gratis ongkir free cashback cod ready stock stoc stok limited edition "
    "terbatas 50 % off beli 2 buy get 1 bonus viral original 100 kaos - . •"
)


def test_random_texts_find_with_some_promotional_patterns_what_all_of_them_find():
    """Each pattern's needed text is one it cannot match without: texts built from the
    patterns' words, parts of them ("stoc", "stok": `stoc?k` matches the second only) and
    the characters re.IGNORECASE folds find the same promotions either way."""
    pieces = [*PROMOTION_PIECES.split(), "\u0131", "\u017f", "\u0130", "\u212a", "\u0661", "\n"]
    generator = random.Random(22)
    for _ in range(3000):
        text = "".join(
            generator.choice(pieces) + generator.choice(("", " ", " ", "  "))
            for _ in range(generator.randint(1, 12))
        )
        expected = [match.group(0) for match in lint._PROMO.finditer(text)]
        found = [f.excerpt for f in lint_text(text) if f.code == "promo"]
        assert found == expected, text
