"""How a translation catalogue's key is read off the code (``minigrad.i18n.Catalog``): the
English text as written, an f-string's fields as ``{expression}`` with their ``!r`` conversion
and without format specs. The tests that check a catalogue covers its code share this."""

from __future__ import annotations

import ast


def field(value: ast.FormattedValue) -> str:
    conversion = "" if value.conversion == -1 else "!" + chr(value.conversion)
    return "{" + ast.unparse(value.value) + conversion + "}"


def template(node: ast.AST, constants: dict[str, str] | None = None) -> str:
    """The key of a string literal, an f-string, or a module constant named in ``constants``."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else field(v) for v in node.values)
    if isinstance(node, ast.Name) and constants and node.id in constants:
        return constants[node.id]
    raise AssertionError(f"a translated text must be a literal or a constant: {ast.unparse(node)}")
