"""The architecture check: it passes on the code, and it catches what it is there to catch."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tools.check_architecture import ROOT, check_file, violations


def _write(root: Path, relative: str, text: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _messages(root: Path, relative: str, text: str) -> list[str]:
    return [v.message for v in check_file(_write(root, relative, text), root)]


def test_the_code_follows_the_arrows():
    assert [str(v) for v in violations()] == []


def test_the_command_passes_on_the_repository():
    run = subprocess.run(
        [sys.executable, "-m", "tools.check_architecture"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "architecture ok" in run.stdout


def test_an_import_against_the_arrows_is_caught_even_inside_a_function(tmp_path):
    text = "def build():\n    from imports.models import RawImportRecord\n"
    assert _messages(tmp_path, "catalog/populate.py", text) == ["catalog imports imports.models"]
    assert _messages(tmp_path, "pricing/services.py", "from catalog import models\n") == [
        "pricing imports catalog"
    ]
    assert _messages(tmp_path, "core/roles.py", "import catalog.models\n") == [
        "core imports catalog.models"
    ]
    assert _messages(tmp_path, "imports/sandbox/x.py", "from core.money import rupiah\n") == [
        "imports.sandbox imports core.money"
    ]
    assert _messages(tmp_path, "catalog/x.py", "from config.settings import DEBUG\n") == [
        "catalog imports config.settings"
    ]


def test_imports_along_the_arrows_pass(tmp_path):
    text = "from core.money import rupiah\nfrom pricing.calculator import x\nfrom seo import lint\n"
    assert _messages(tmp_path, "catalog/enrich.py", text) == []
    assert _messages(tmp_path, "imports/runner.py", "from catalog.models import M\n") == []
    assert _messages(tmp_path, "config/urls.py", "from imports.api import views\n") == []
    assert _messages(tmp_path, "seo/lint.py", "import re\nfrom django.db import models\n") == []


def test_a_relative_import_is_resolved_before_it_is_judged(tmp_path):
    text = "from ..models import ChannelConnection\nfrom . import signing\n"
    assert _messages(tmp_path, "imports/clients/base.py", text) == [
        "a client imports imports.models"
    ]
    assert _messages(tmp_path, "pricing/api/__init__.py", "from ..selectors import x\n") == []


def test_a_client_importing_the_orm_is_caught(tmp_path):
    text = "from django.db import models\nfrom imports.models import ChannelConnection\n"
    expected = ["a client imports django.db", "a client imports imports.models"]
    assert _messages(tmp_path, "imports/clients/base.py", text) == expected
    assert _messages(tmp_path, "imports/platforms/shopee/client.py", text) == expected
    assert _messages(tmp_path, "imports/platforms/shopee/rules.py", text) == expected
    # The adapter builds a client from a connection row: it may know the model.
    assert _messages(tmp_path, "imports/platforms/shopee/adapter.py", text) == []


def test_a_module_over_500_lines_is_caught(tmp_path):
    assert _messages(tmp_path, "seo/long.py", "x = 1\n" * 500) == []
    assert _messages(tmp_path, "seo/long.py", "x = 1\n" * 501) == ["501 lines (at most 500)"]
