"""Security teaching hints: calls that run code or shell commands built from data.

Hints, never errors: the sandbox is the security boundary, and a playground is a
fine place to call eval. The point is to say why it would be risky elsewhere.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from lionagi_playground.server.analysis.findings import Finding, Severity
from lionagi_playground.server.analysis.source import Source

_RUNS_CODE = "runs any code in the string it is given"
_UNPICKLE = "unpickling can run code chosen by whoever made the data; load only your own files"
_SHELL = "runs the command through a shell (which also obeys any ; | or $(...) in it)"

# Fully qualified callee -> (code, hint). The codes are bandit's, as ruff spells them.
CALLS: dict[str, tuple[str, str]] = {
    "eval": ("S307", f"eval() {_RUNS_CODE}; for literals use ast.literal_eval()"),
    "exec": ("S102", f"exec() {_RUNS_CODE}; never pass it untrusted text"),
    "pickle.load": ("S301", _UNPICKLE),
    "pickle.loads": ("S301", _UNPICKLE),
    "pickle.Unpickler": ("S301", _UNPICKLE),
    "marshal.load": ("S302", "marshal data can crash the interpreter; load only your own files"),
    "marshal.loads": ("S302", "marshal data can crash the interpreter; load only your own files"),
    "os.system": ("S605", f"os.system() {_SHELL}; prefer subprocess.run([...])"),
    "os.popen": ("S605", f"os.popen() {_SHELL}; prefer subprocess.run([...])"),
    "subprocess.getoutput": ("S605", f"getoutput() {_SHELL}; prefer subprocess.run([...])"),
    "subprocess.getstatusoutput": ("S605", f"getstatusoutput() {_SHELL}; prefer subprocess.run"),
    "yaml.unsafe_load": (
        "S506",
        "yaml.unsafe_load() can build any Python object; use yaml.safe_load()",
    ),
}
CALLS["builtins.eval"], CALLS["builtins.exec"] = CALLS["eval"], CALLS["exec"]

_SUBPROCESS = frozenset({"run", "call", "check_call", "check_output", "Popen"})
_SHELL_TRUE = ("S602", "shell=True lets a shell interpret the command; pass a list of arguments")
_YAML_LOAD = (
    "S506",
    "yaml.load() without SafeLoader can build any Python object; use yaml.safe_load()",
)
_SAFE_YAML_LOADERS = frozenset({"SafeLoader", "CSafeLoader", "BaseLoader", "CBaseLoader"})


def check(source: Source) -> list[Finding]:
    calls = source.nodes(ast.Call)
    if not calls:
        return []
    aliases = _import_aliases(source)
    return [
        Finding(source.span(node), Severity.INFORMATION, "security", code, message)
        for call in calls
        for node, (code, message) in _hints(call, aliases)
    ]


def _hints(call: ast.Call, aliases: dict[str, str]) -> Iterator[tuple[ast.AST, tuple[str, str]]]:
    name = _qualified_name(call.func, aliases)
    if name is None:
        return
    if name in CALLS:
        yield call.func, CALLS[name]
    elif name in ("yaml.load", "yaml.load_all") and not _safe_yaml_loader(call):
        yield call.func, _YAML_LOAD
    elif name.startswith("subprocess.") and name.removeprefix("subprocess.") in _SUBPROCESS:
        for keyword in call.keywords:
            if keyword.arg == "shell" and _truthy_constant(keyword.value):
                yield keyword, _SHELL_TRUE


def _import_aliases(source: Source) -> dict[str, str]:
    """Local name -> what it was imported as (`import numpy as np`: np -> numpy)."""
    aliases: dict[str, str] = {}
    for statement in source.nodes(ast.Import):
        for alias in statement.names:
            if alias.asname:
                aliases[alias.asname] = alias.name
            else:
                root = alias.name.split(".")[0]
                aliases[root] = root
    for from_statement in source.nodes(ast.ImportFrom):
        if from_statement.level or not from_statement.module:
            continue
        for alias in from_statement.names:
            aliases[alias.asname or alias.name] = f"{from_statement.module}.{alias.name}"
    return aliases


def _qualified_name(func: ast.expr, aliases: dict[str, str]) -> str | None:
    attributes: list[str] = []
    while isinstance(func, ast.Attribute):
        attributes.append(func.attr)
        func = func.value
    if not isinstance(func, ast.Name):
        return None
    # A name nobody imported resolves to itself: that is how builtins are found.
    return ".".join([aliases.get(func.id, func.id), *reversed(attributes)])


def _truthy_constant(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and bool(node.value)


def _safe_yaml_loader(call: ast.Call) -> bool:
    loader: ast.expr | None = call.args[1] if len(call.args) > 1 else None
    for keyword in call.keywords:
        if keyword.arg == "Loader":
            loader = keyword.value
    if isinstance(loader, ast.Attribute):
        return loader.attr in _SAFE_YAML_LOADERS
    if isinstance(loader, ast.Name):
        return loader.id in _SAFE_YAML_LOADERS
    return False
