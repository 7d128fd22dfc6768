"""Quality and SEO findings in the reader's language.

Findings are stored in English with their template and parameters (see `seo.lint`), so the
API stays stable and the admin can show each one translated.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext

PLACEHOLDER = r"%\(\w+\)[sd]"


def advice_alone(template: str) -> str:
    """The advice without its per-listing values: "(now %(count)d)" and ": %(x)s" go."""
    text = re.sub(rf"\s*\([^()]*{PLACEHOLDER}[^()]*\)", "", template)
    text = re.sub(rf":\s*{PLACEHOLDER}$", "", text)
    return re.sub(PLACEHOLDER, "…", text)


def finding_text(finding: Mapping[str, Any]) -> str:
    english = str(finding.get("recommendation") or finding.get("message") or "")
    template = finding.get("template")
    if not template:
        return gettext(english) if english else ""  # stored before templates were kept
    if "params" in finding and finding["params"] is None:  # an advice summed over listings
        return advice_alone(gettext(template))
    params = dict(finding.get("params") or {})
    if "problems" in finding:
        params["problems"] = "; ".join(finding_text(problem) for problem in finding["problems"])
    try:
        text = gettext(template) % params if params else gettext(template)
    except (KeyError, TypeError, ValueError):
        return english
    excerpt = finding.get("excerpt")
    return f"{text} ({excerpt})" if excerpt else text


def findings_html(findings: Iterable[Mapping[str, Any]]) -> str:
    """A list of findings, each with the points it cost."""
    return format_html(
        '<ul class="findings">{}</ul>',
        format_html_join(
            "",
            "<li>{} <b>{}</b></li>",
            ((finding_text(finding), finding.get("points", "")) for finding in findings),
        ),
    )
