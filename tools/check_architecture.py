"""Fails when an import runs against the architecture's arrows or a module grows past 500 lines.

    python -m tools.check_architecture

The arrows (docs/architecture.md): core imports nothing of ours; pricing and seo import only
core; catalog imports core, pricing and seo, never imports; imports may use all of them; the
marketplace simulator (imports/sandbox) imports nothing of ours; marketplace clients import
no Django model. config wires the project together and may import anything, and nothing of
ours imports config. Imports inside functions count: a lazy import is still a dependency.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_LINES = 500
# Who may import whom (an app may always import itself).
ALLOWED: dict[str, frozenset[str]] = {
    "core": frozenset(),
    "pricing": frozenset({"core"}),
    "seo": frozenset({"core"}),
    "catalog": frozenset({"core", "pricing", "seo"}),
    "imports": frozenset({"core", "catalog", "pricing", "seo", "imports.sandbox"}),
    "imports.sandbox": frozenset(),
    "config": frozenset({"core", "catalog", "imports", "pricing", "seo", "imports.sandbox"}),
    "tools": frozenset(),
}
# Modules that talk HTTP to a marketplace: plain Python, no ORM (they run in any process and
# are tested without a database). All of imports/clients/, and each platform's client,
# signing and rules.
CLIENT_PACKAGE = "imports/clients/"
PLATFORM_CLIENT_MODULES = ("client.py", "signing.py", "rules.py")


@dataclass(frozen=True, order=True)
class Violation:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


def component_of(module: str) -> str | None:
    """The layer a dotted module name belongs to, or None when it is not ours."""
    parts = module.split(".")
    if parts[:2] == ["imports", "sandbox"]:
        return "imports.sandbox"
    return parts[0] if parts[0] in ALLOWED else None


def module_name(path: Path, root: Path = ROOT) -> str:
    relative = path.relative_to(root).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def source_files() -> Iterator[Path]:
    for top in ALLOWED:
        if "." in top:
            continue
        for path in sorted((ROOT / top).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def imported_modules(tree: ast.AST, package: str) -> Iterator[tuple[int, str]]:
    """(line, absolute module name) of every import; `package` is where relative ones start."""
    parts = package.split(".")
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = ".".join(parts[: len(parts) - node.level + 1])
                yield node.lineno, f"{base}.{node.module}" if node.module else base
            elif node.module:
                yield node.lineno, node.module


def is_client_module(relative: str) -> bool:
    if relative.startswith(CLIENT_PACKAGE):
        return True
    return relative.startswith("imports/platforms/") and relative.endswith(PLATFORM_CLIENT_MODULES)


def check_file(path: Path, root: Path = ROOT) -> list[Violation]:
    relative = path.relative_to(root).as_posix()
    text = path.read_text(encoding="utf-8")
    found = []
    lines = text.count("\n") + (0 if text.endswith("\n") else 1)
    if lines > MAX_LINES:
        found.append(Violation(relative, 1, f"{lines} lines (at most {MAX_LINES})"))
    module = module_name(path, root)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    own = component_of(module)
    for line, imported in imported_modules(ast.parse(text, relative), package):
        target = component_of(imported)
        if target is not None and target != own and target not in ALLOWED[own]:
            found.append(Violation(relative, line, f"{own} imports {imported}"))
        if is_client_module(relative) and (
            imported.startswith("django.db") or imported.endswith(".models")
        ):
            found.append(Violation(relative, line, f"a client imports {imported}"))
    return found


def violations() -> list[Violation]:
    return sorted(v for path in source_files() for v in check_file(path))


def main() -> int:
    found = violations()
    for violation in found:
        print(violation)
    if found:
        print(f"{len(found)} import(s) against the arrows or oversized module(s)", file=sys.stderr)
        return 1
    print("architecture ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
