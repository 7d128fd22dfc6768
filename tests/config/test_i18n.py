"""Bahasa Indonesia: every marked string is translated, the compiled catalog is current, and
the admin speaks Indonesian (with English still a click away)."""

from __future__ import annotations

import ast
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from tests.factories import MasterProductFactory, PlatformMappingFactory

BASE = Path(settings.BASE_DIR)
PO_FILE = BASE / "locale" / "id" / "LC_MESSAGES" / "django.po"
THIRD_PARTY_PO_FILE = BASE / "locale_thirdparty" / "id" / "LC_MESSAGES" / "django.po"
SOURCE_DIRS = ("core", "catalog", "imports", "pricing", "seo", "config")
GETTEXT_CALLS = {
    "_",
    "gettext",
    "gettext_lazy",
    "gettext_noop",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
}
PO_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: PO_ESCAPES.get(m.group(1), m.group(1)), text)


def po_entries(path: Path = PO_FILE) -> list[dict[str, str]]:
    """(msgid, msgstr, flags) of a shipped Indonesian catalog, header left out."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        fields: dict[str, str] = {"flags": ""}
        key = None
        for line in block.splitlines():
            if line.startswith("#,"):
                fields["flags"] += line
            elif match := re.match(r'(msgid_plural|msgid|msgstr(?:\[0\])?) "(.*)"$', line):
                key = match.group(1).replace("[0]", "")
                fields[key] = match.group(2)
            elif line.startswith('"') and key:
                fields[key] += line[1:-1]
        if fields.get("msgid"):
            entries.append({k: _unescape(v) for k, v in fields.items()})
    return entries


def marked_in_python() -> set[str]:
    found = set()
    for directory in SOURCE_DIRS:
        for path in (BASE / directory).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.Call) or not node.args:
                    continue
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                first = node.args[1] if name in ("pgettext", "pgettext_lazy") else node.args[0]
                if (
                    name in GETTEXT_CALLS
                    and isinstance(first, ast.Constant)
                    and isinstance(first.value, str)
                ):
                    found.add(first.value)
    return found


TEMPLATE_TAG = re.compile(r"""{%\s*(?:translate|trans)\s+(["'])(.+?)\1""")
TEMPLATE_UNDERSCORE = re.compile(r"""_\((["'])(.+?)\1\)""")
BLOCK = re.compile(r"{%\s*blocktranslate[^%]*%}(.*?){%\s*endblocktranslate\s*%}", re.S)


def marked_in_templates() -> set[str]:
    found = set()
    for path in (BASE / "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        found |= {m.group(2) for m in TEMPLATE_TAG.finditer(text)}
        found |= {m.group(2) for m in TEMPLATE_UNDERSCORE.finditer(text)}
        for block in BLOCK.finditer(text):
            found.add(re.sub(r"{{\s*(\w+)\s*}}", r"%(\1)s", block.group(1)))
    return found


def test_every_marked_string_has_an_indonesian_translation():
    catalog = {entry["msgid"]: entry for entry in po_entries()}
    untranslated = sorted(
        text
        for text in marked_in_python() | marked_in_templates()
        if not catalog.get(text.replace("%", "%%") if text not in catalog else text, {}).get(
            "msgstr"
        )
    )
    assert not untranslated, "run makemessages -l id and translate:\n" + "\n".join(untranslated)
    fuzzy = [entry["msgid"] for entry in catalog.values() if "fuzzy" in entry["flags"]]
    assert not fuzzy


@pytest.mark.parametrize(("path", "at_least"), [(PO_FILE, 500), (THIRD_PARTY_PO_FILE, 70)])
def test_the_compiled_catalogs_match_their_po_files(path, at_least):
    entries = po_entries(path)
    assert len(entries) > at_least
    with translation.override("id"):
        for entry in entries:
            if "msgid_plural" in entry:
                shown = translation.ngettext(entry["msgid"], entry["msgid_plural"], 1)
            else:
                shown = translation.gettext(entry["msgid"])
            assert shown == entry["msgstr"], f"stale .mo for {entry['msgid']!r}: compilemessages"


@pytest.mark.django_db
@pytest.mark.django_db
def test_the_background_tasks_section_speaks_indonesian_too(admin_client):
    page = admin_client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert "Tugas latar belakang" in page and "Tugas gagal" in page  # django-q2's admin


@pytest.mark.django_db
def test_the_admin_speaks_indonesian_and_english_on_request(merchandiser_client, organization):
    product = MasterProductFactory(
        organization=organization, name="Sepatu Lari Pria", base_price=Decimal("150000")
    )
    PlatformMappingFactory(
        master_product=product,
        quality_score=40,
        quality_issues=[
            {
                "block": "images",
                "points": -12,
                "recommendation": "Add images: fewer than 3 makes buyers hesitate",
                "template": "Add images: fewer than 3 makes buyers hesitate",
                "params": {},
            },
            {
                "block": "description",
                "points": -10,
                "recommendation": "Write at least 30 words of description (now 4)",
                "template": "Write at least 30 words of description (now %(count)d)",
                "params": {"count": 4},
            },
        ],
    )
    PlatformMappingFactory(
        master_product__organization=organization,
        quality_score=70,
        quality_issues=[
            {
                "block": "description",
                "points": -10,
                "recommendation": "Write at least 30 words of description (now 12)",
                "template": "Write at least 30 words of description (now %(count)d)",
                "params": {"count": 12},
            }
        ],
    )
    client = merchandiser_client
    products = reverse("admin:catalog_masterproduct_changelist")
    page = client.get(products, HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert "Produk master" in page and "Hitung ulang harga platform" in page
    assert "Rp 150.000" in page
    dashboard = client.get(
        reverse("admin:catalog_quality_dashboard"), HTTP_ACCEPT_LANGUAGE="id"
    ).content.decode()
    assert "Temuan paling umum" in dashboard
    assert "Tambah gambar: kurang dari 3 membuat pembeli ragu" in dashboard
    # One row per advice: the two listings' word counts differ, so the row gives the advice alone.
    findings = dashboard[dashboard.index('id="common-findings"') :]
    assert "<td>Tulis deskripsi minimal 30 kata</td><td>2</td>" in findings
    assert "sekarang 4" not in findings

    # The switcher in the header stores the choice; English wins over the browser's Indonesian.
    response = client.post(reverse("set_language"), {"language": "en", "next": products})
    assert response.status_code == 302
    page = client.get(products, HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert "Recalculate platform prices" in page and "Hitung ulang" not in page


# Phrases that read badly in the Indonesian admin (issue #19): Django's and third-party apps'
# stock Indonesian, and our verbose names dropped into Django's sentences.
AWKWARD_INDONESIAN = (
    "untuk diubah",  # "Pilih kecocokan untuk ditinjau untuk diubah"
    "untuk melihat",
    "Berdasarkan Created",
    "Berdasarkan tercantum di",
    "Berdasarkan punya",
    "Berdasarkan Cluster",
    "Galat",
    "galat",
    "dibawah",
    ">Inggris<",
    ">Buka<",
    "checkpoint-nya",
    "Id toko",
)


@pytest.mark.django_db
def test_every_admin_list_reads_naturally_in_indonesian(admin_client):
    from django.contrib import admin

    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        page = admin_client.get(url, HTTP_ACCEPT_LANGUAGE="id").content.decode()
        assert 'lang="id"' in page, url
        found = [phrase for phrase in AWKWARD_INDONESIAN if phrase in page]
        assert not found, f"{url}: {found}"
        assert ">English</option>" in page  # each language named in its own language
    connection_form = admin_client.get(
        reverse("admin:imports_channelconnection_add"), HTTP_ACCEPT_LANGUAGE="id"
    ).content.decode()
    for label in ("ID partner", "Kunci aplikasi", "Rahasia aplikasi", "ID toko", "Alamat API"):
        assert label in connection_form
    assert not [phrase for phrase in AWKWARD_INDONESIAN if phrase in connection_form]


@pytest.mark.django_db
def test_the_indonesian_login_error_names_the_username_once(client, merchandiser):
    response = client.post(
        reverse("admin:login"),
        {"username": merchandiser.username, "password": "not-the-password"},
        HTTP_ACCEPT_LANGUAGE="id",
    )
    page = response.content.decode()
    assert "Masukkan nama pengguna dan sandi yang benar untuk akun staf." in page
    assert "nama pengguna nama pengguna" not in page
