"""Indonesian translations a test adds for message ids the shipped catalog does not carry yet.

A change that adds message ids cannot also translate them (the locale files are updated on
their own), yet its tests must show that the text really goes through gettext. This writes a
real .mo catalog for the given ids and puts it first in LOCALE_PATHS; Django drops its
loaded catalogs when that setting changes, so the page under test reads it like any other.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import polib
import pytest


@pytest.fixture
def indonesian_catalog(settings, tmp_path) -> Callable[[Mapping[str, str]], None]:
    def install(translations: Mapping[str, str]) -> None:
        catalog = polib.POFile()
        catalog.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "id"}
        for msgid, msgstr in translations.items():
            catalog.append(polib.POEntry(msgid=msgid, msgstr=msgstr))
        folder = tmp_path / "locale" / "id" / "LC_MESSAGES"
        folder.mkdir(parents=True, exist_ok=True)
        catalog.save_as_mofile(str(folder / "django.mo"))
        settings.LOCALE_PATHS = [tmp_path / "locale", *settings.LOCALE_PATHS]

    return install
