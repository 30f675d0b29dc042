"""Reads what the installed lionagi offers and prints it as JSON: run with the RUNTIME env's python.

This file is a script, not a module of the server: the server never imports
lionagi (about 300 ms and 44 MB), it runs `<runtime>/bin/python introspect.py`
and caches the output (see `load.py`). It imports nothing but the standard
library and lionagi, so it runs in any environment that has lionagi.

stdin: `{"probe_names": [["module", "name"], ...]}` (names the history mentions
outside the top-level package). stdout: one JSON object, described by
`decode.py`, which turns it into a `Knowledge`.
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
import json
import logging
import os
import re
import sys
import typing
import warnings
from collections.abc import Callable, Iterator
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as dist_version
from pathlib import Path
from typing import Any

SCHEMA = 1
Json = dict[str, Any]

# `lionagi.service.imodel.iModel | dict` reads better as `iModel | dict`.
_QUALIFIED = re.compile(r"\b(?:[A-Za-z_]\w*\.)+(?=[A-Za-z_]\w*)")
_DOC_SECTION = re.compile(
    r"^(Args|Arguments|Parameters|Params|Keyword Args|Keyword Arguments|Kwargs|Other Parameters)"
    r"\s*:?\s*$"
)
_GOOGLE_PARAM = re.compile(r"^\*{0,2}(\w+)\s*(?:\(([^)]*)\))?\s*:\s*(.*)$")
_REST_PARAM = re.compile(r"^:param\s+(?:[^:]*\s)?(\w+):\s*(.*)$")
_MAX_DOC = 4000
_MAX_DEFAULT = 80


def shorten(annotation: str) -> str:
    return _QUALIFIED.sub("", annotation)


def annotation_text(annotation: Any) -> str | None:
    if annotation is inspect.Parameter.empty:
        return None
    if isinstance(annotation, str):
        return shorten(annotation)
    return shorten(inspect.formatannotation(annotation))


def clean_doc(doc: str | None) -> str | None:
    if not doc or not doc.strip():
        return None
    text = inspect.cleandoc(doc)
    return text if len(text) <= _MAX_DOC else text[:_MAX_DOC].rstrip() + "\n..."


def param_docs(doc: str | None) -> dict[str, str]:
    """Per-parameter text from Google, NumPy or reST style docstrings."""
    if not doc:
        return {}
    lines = inspect.cleandoc(doc).splitlines()
    found: dict[str, str] = {}
    for line in lines:
        match = _REST_PARAM.match(line.strip())
        if match:
            found[match.group(1)] = match.group(2).strip()
    index = 0
    while index < len(lines):
        if not _DOC_SECTION.match(lines[index].strip()):
            index += 1
            continue
        index += 1
        numpy = index < len(lines) and set(lines[index].strip()) == {"-"}
        index = _read_section(lines, index + numpy, found, numpy)
    return {name: text for name, text in found.items() if text}


def _read_section(lines: list[str], index: int, found: dict[str, str], numpy: bool) -> int:
    """Read `name (type): text` entries (NumPy: `name : type` then indented text)."""
    base: int | None = None
    current: str | None = None
    while index < len(lines):
        line = lines[index]
        stripped = line.strip()
        indent = len(line) - len(line.lstrip())
        if not stripped:
            index += 1
            continue
        if base is None:
            base = indent
        if indent < base or (indent == base and _DOC_SECTION.match(stripped)):
            break
        if indent == base:
            match = _GOOGLE_PARAM.match(stripped)
            if match is None:
                break
            current = match.group(1)
            # In NumPy style the text after the colon is the type, not a description.
            found[current] = "" if numpy else match.group(3).strip()
        elif current is not None:
            found[current] = (found[current] + " " + stripped).strip()
        index += 1
    return index


def describe_params(
    func: Any, drop_first: bool, extra_docs: dict[str, str]
) -> tuple[list[Json], str | None, bool]:
    """(parameters, return annotation, whether a signature was found)."""
    try:
        signature = inspect.signature(func)
    except (TypeError, ValueError):
        return [], None, False
    docs = {**extra_docs, **param_docs(getattr(func, "__doc__", None))}
    params = list(signature.parameters.values())
    if drop_first and params and params[0].kind is not inspect.Parameter.KEYWORD_ONLY:
        params = params[1:]
    out: list[Json] = []
    for param in params:
        default = None
        if param.default is not inspect.Parameter.empty:
            default = repr(param.default)
            if len(default) > _MAX_DEFAULT:
                default = default[: _MAX_DEFAULT - 3] + "..."
        out.append(
            {
                "name": param.name,
                "kind": param.kind.name.lower(),
                "default": default,
                "annotation": annotation_text(param.annotation),
                "doc": docs.get(param.name) or None,
            }
        )
    return out, annotation_text(signature.return_annotation), True


def function_kind(func: Any, is_method: bool) -> str:
    if inspect.isasyncgenfunction(func):
        return "asyncgen"
    if inspect.iscoroutinefunction(func):
        return "coroutine"
    return "method" if is_method else "function"


def full_name(obj: Any) -> str | None:
    module = getattr(obj, "__module__", None)
    qualname = getattr(obj, "__qualname__", None)
    if not isinstance(module, str) or not isinstance(qualname, str) or "<" in qualname:
        return None
    return f"{module}.{qualname}"


class Collector:
    """Symbols by full name, plus the other names jedi may use for them."""

    def __init__(self) -> None:
        self.symbols: dict[str, Json] = {}
        self.aliases: dict[str, str] = {}

    def add(self, key: str, symbol: Json, *other_names: str) -> str:
        self.symbols.setdefault(key, symbol)
        for name in other_names:
            if name != key:
                self.aliases.setdefault(name, key)
        return key

    def describe_callable(self, func: Any, short: str, is_method: bool, drop_first: bool) -> Json:
        params, returns, has_signature = describe_params(func, drop_first, {})
        return {
            "name": short,
            "kind": function_kind(func, is_method),
            "params": params,
            "returns": returns,
            "doc": clean_doc(inspect.getdoc(func)),
            "has_signature": has_signature,
        }

    def describe_class(self, cls: type, export: str, public_name: str) -> str:
        key = full_name(cls) or f"lionagi.{export}"
        field_docs = pydantic_field_docs(cls)
        params, _, has_signature = describe_params(cls, False, field_docs)
        init_docs = param_docs(getattr(vars(cls).get("__init__"), "__doc__", None))
        for param in params:
            param["doc"] = param["doc"] or init_docs.get(param["name"])
        members = sorted(self.describe_members(cls, key, public_name, export))
        symbol = {
            "name": export,
            "kind": "class",
            "params": params,
            "returns": None,
            "doc": clean_doc(cls.__doc__),
            "has_signature": has_signature,
            "members": members,
        }
        return self.add(key, symbol, public_name)

    def describe_members(
        self, cls: type, class_key: str, public_name: str, export: str
    ) -> Iterator[str]:
        for name, raw in _static_members(cls):
            described = self.describe_member(cls, name, raw)
            if described is None:
                continue
            key, symbol, qualname = described
            # Own members read as people write them (`Builder.add_operation`);
            # inherited ones keep their defining class (`Element.to_json`).
            own = key == f"{class_key}.{name}"
            symbol["name"] = f"{export}.{name}" if own else qualname
            self.add(key, symbol, f"{class_key}.{name}", f"{public_name}.{name}")
            yield name
        for name, info in pydantic_fields(cls).items():
            if name.startswith("_"):
                continue
            owner = next((c for c in cls.__mro__ if name in getattr(c, "__annotations__", {})), cls)
            key = f"{full_name(owner) or class_key}.{name}"
            symbol = {
                "name": f"{export if owner is cls else owner.__qualname__}.{name}",
                "kind": "attribute",
                "params": [],
                "returns": annotation_text(getattr(info, "annotation", inspect.Parameter.empty)),
                "doc": clean_doc(getattr(info, "description", None)),
                "has_signature": False,
            }
            self.add(key, symbol, f"{class_key}.{name}", f"{public_name}.{name}")
            yield name

    def describe_member(self, cls: type, name: str, raw: Any) -> tuple[str, Json, str] | None:
        if isinstance(raw, property):
            getter = raw.fget
            key = full_name(getter) if getter is not None else None
            if getter is None or key is None or not key.startswith("lionagi"):
                return None
            returns = None
            with contextlib.suppress(TypeError, ValueError):
                returns = annotation_text(inspect.signature(getter).return_annotation)
            doc = clean_doc(raw.__doc__)
            symbol: Json = {"kind": "property", "params": [], "returns": returns, "doc": doc}
            return key, symbol, str(getattr(getter, "__qualname__", name))
        func = raw
        drop_first = True
        if isinstance(raw, staticmethod):
            func, drop_first = raw.__func__, False
        elif isinstance(raw, classmethod):
            func = raw.__func__
        if not inspect.isfunction(func):
            return None
        key = full_name(func)
        if key is None or not key.startswith("lionagi"):
            return None
        return key, self.describe_callable(func, name, True, drop_first), func.__qualname__


def _static_members(cls: type) -> Iterator[tuple[str, Any]]:
    seen: set[str] = set()
    for klass in cls.__mro__:
        for name, raw in vars(klass).items():
            if name.startswith("_") or name in seen:
                continue
            seen.add(name)
            yield name, raw


def pydantic_fields(cls: type) -> dict[str, Any]:
    fields = getattr(cls, "model_fields", None)
    return dict(fields) if isinstance(fields, dict) else {}


def pydantic_field_docs(cls: type) -> dict[str, str]:
    return {
        name: str(info.description)
        for name, info in pydantic_fields(cls).items()
        if getattr(info, "description", None)
    }


def read_exports(lionagi: Any, collector: Collector) -> dict[str, str]:
    """Describe every top-level name; return name -> full name of what it is."""
    targets: dict[str, str] = {}
    for export in sorted(set(getattr(lionagi, "__all__", ()))):
        try:
            obj = getattr(lionagi, export)
        except Exception:  # a lazy import that fails is not ours to fix
            continue
        public = f"lionagi.{export}"
        if inspect.ismodule(obj):
            key = collector.add(
                obj.__name__,
                {"name": export, "kind": "module", "doc": clean_doc(obj.__doc__)},
                public,
            )
        elif inspect.isclass(obj):
            key = collector.describe_class(obj, export, public)
        elif inspect.isfunction(obj) or inspect.isbuiltin(obj):
            key = full_name(obj) or public
            collector.add(key, collector.describe_callable(obj, export, False, False), public)
        else:
            doc = f"{type(obj).__name__} instance"
            key = collector.add(public, {"name": export, "kind": "attribute", "doc": doc})
        targets[export] = key
    return targets


def walk_modules(package_dir: Path, prefix: str = "lionagi") -> list[str]:
    """Module names under the package, from the file system (importing them would cost)."""
    names = [prefix]
    for child in sorted(package_dir.iterdir()):
        if child.name.startswith((".", "__")) or child.name == "tests":
            continue
        if child.is_dir() and (child / "__init__.py").exists():
            names.extend(walk_modules(child, f"{prefix}.{child.name}"))
        elif child.suffix == ".py":
            names.append(f"{prefix}.{child.stem}")
    return names


def read_providers() -> Json:
    """The provider registry: canonical names, aliases, endpoints, kinds."""
    registry_module = importlib.import_module("lionagi.service.connections.registry")
    registry = registry_module.EndpointRegistry
    listed = registry.list_providers()  # public; also loads every provider module
    entries = getattr(registry, "_entries", None)
    providers: dict[str, Json] = {}
    cli_names: set[str] = set()
    with contextlib.suppress(ImportError, AttributeError):
        cli_names = set(importlib.import_module("lionagi.service.providers").CLI_PROVIDERS)
    if isinstance(entries, list):
        rows = [
            (
                e.meta.provider,
                e.meta.endpoint,
                list(e.meta.aliases),
                list(e.meta.provider_aliases),
                e.meta.endpoint_type.value,
                e.cls.__module__,
                e.meta.api_key_env,
                e.meta.base_url,
            )
            for e in entries
        ]
    else:
        rows = [
            (p["provider"], p["endpoint"], p["aliases"], [], p["type"], "", None, None)
            for p in listed
        ]
    for provider, endpoint, aliases, provider_aliases, kind, module, key_env, base_url in rows:
        entry = providers.setdefault(
            provider,
            {
                "aliases": [],
                "endpoints": [],
                "types": [],
                "api_key_env": key_env,
                "base_url": base_url,
                "module": module,
            },
        )
        entry["aliases"] = sorted(set(entry["aliases"]) | set(provider_aliases))
        entry["endpoints"] = list(dict.fromkeys([*entry["endpoints"], endpoint, *aliases]))
        entry["types"] = sorted(set(entry["types"]) | {kind})
        entry["api_key_env"] = entry["api_key_env"] or key_env
    for name, entry in providers.items():
        names = {name, *entry["aliases"]}
        entry["cli"] = bool(names & cli_names)
    return providers


def read_models(providers: Json) -> dict[str, list[str]]:
    """Model-name lists lionagi keeps in its provider packages (`CHAT_MODELS`, ...)."""
    models: dict[str, list[str]] = {}
    for module_name, module in sorted(sys.modules.items()):
        if not module_name.startswith("lionagi.providers.") or module is None:
            continue
        company = module_name.split(".")[2]
        owner = company if company in providers else None
        if owner is None:
            continue
        for attr, value in vars(module).items():
            if not re.fullmatch(r"[A-Z][A-Z_]*MODELS", attr):
                continue
            if isinstance(value, (tuple, list, frozenset, set)) and all(
                isinstance(v, str) for v in value
            ):
                models.setdefault(owner, [])
                models[owner] = sorted(set(models[owner]) | set(value))
    return models


def read_defaults() -> Json:
    """The default chat provider and model: the settings' declared defaults, not the env's."""
    config = importlib.import_module("lionagi.config")
    settings = config.settings
    fields = getattr(type(settings), "model_fields", {})
    out: Json = {}
    for key, name in (("LIONAGI_CHAT_PROVIDER", "provider"), ("LIONAGI_CHAT_MODEL", "model")):
        info = fields.get(key)
        default = getattr(info, "default", None)
        if isinstance(default, str):
            out[name] = default
    return out


# Annotation shapes probed against lionagi's tool-schema builder, as source text.
SCHEMA_PROBES: dict[str, str] = {
    "str": "str",
    "int": "int",
    "float": "float",
    "bool": "bool",
    "list": "list",
    "tuple": "tuple",
    "dict": "dict",
    "set": "set",
    "bytes": "bytes",
    "None": "None",
    "list[]": "list[str]",
    "dict[]": "dict[str, int]",
    "tuple[]": "tuple[int, ...]",
    "set[]": "set[str]",
    "Optional": "typing.Optional[int]",
    "Union": "typing.Union[int, str]",
    "Literal": "typing.Literal['a', 'b']",
    "Any": "typing.Any",
    "X | None": "int | None",
    "'str'": "'str'",
    "Custom": "Custom",
}


def probe_tool_schema() -> Json:
    """Build a tool from a one-parameter function per annotation shape and record the outcome."""
    build = _tool_builder()
    outcomes: dict[str, Json] = {}
    namespace: dict[str, Any] = {"typing": typing, "Custom": type("Custom", (), {})}
    for shape, annotation in SCHEMA_PROBES.items():
        _define(f"def probe(x: {annotation}):\n    return x\n", namespace)
        outcomes[shape] = _probe_outcome(build, namespace["probe"])
    _define("def probe(x: int = 1):\n    return x\n", namespace)
    defaults_ignored = True
    with contextlib.suppress(Exception):
        schema = build(namespace["probe"])
        defaults_ignored = "x" in _parameters(schema).get("required", [])
    return {"outcomes": outcomes, "defaults_ignored": defaults_ignored}


def _define(text: str, namespace: dict[str, Any]) -> None:
    # dont_inherit: this file's `from __future__ import annotations` must not
    # turn every probe annotation into a string.
    exec(compile(text, "<probe>", "exec", dont_inherit=True), namespace)


def _tool_builder() -> Callable[[Callable[..., Any]], Json]:
    try:
        tool_class = importlib.import_module("lionagi.protocols.action.tool").Tool
    except (ImportError, AttributeError):
        branch_class = importlib.import_module("lionagi").Branch

        def via_branch(func: Callable[..., Any]) -> Json:
            tools = branch_class(tools=[func]).tools
            return dict(next(iter(tools.values())).tool_schema)

        return via_branch

    def via_tool(func: Callable[..., Any]) -> Json:
        return dict(tool_class(func_callable=func).tool_schema)

    return via_tool


def _parameters(schema: Json) -> Json:
    function = schema.get("function", schema)
    parameters = function.get("parameters") if isinstance(function, dict) else None
    return parameters if isinstance(parameters, dict) else {}


def _probe_outcome(build: Callable[[Callable[..., Any]], Json], func: Callable[..., Any]) -> Json:
    try:
        schema = build(func)
    except Exception as error:
        return {"ok": False, "json_type": None, "error": f"{type(error).__name__}: {error}"}
    prop = _parameters(schema).get("properties", {}).get("x", {})
    json_type = prop.get("type") if isinstance(prop, dict) else None
    return {"ok": True, "json_type": json_type if isinstance(json_type, str) else None}


def probe_names(pairs: list[list[str]]) -> dict[str, bool]:
    """Whether each (module, name) still exists; the import of a moved module counts as absent."""
    found: dict[str, bool] = {}
    for module_name, name in pairs:
        try:
            module = importlib.import_module(module_name)
            found[f"{module_name}:{name}"] = hasattr(module, name)
        except Exception:
            found[f"{module_name}:{name}"] = False
    return found


def introspect(request: Json) -> Json:
    try:
        lionagi = importlib.import_module("lionagi")
    except ImportError:
        return {"schema": SCHEMA, "version": None}
    try:
        version = dist_version("lionagi")
    except PackageNotFoundError:
        version = str(getattr(lionagi, "__version__", "unknown"))
    collector = Collector()
    targets = read_exports(lionagi, collector)
    out: Json = {
        "schema": SCHEMA,
        "version": version,
        "python": ".".join(map(str, sys.version_info[:3])),
        "exports": sorted(set(getattr(lionagi, "__all__", ()))),
        # Everything `from lionagi import x` finds besides the exports (helpers,
        # loaded submodules): never reported as missing. Read before the other
        # sections import more submodules.
        "names": sorted(n for n in dir(lionagi) if not n.startswith("__")),
        "export_targets": targets,
        "modules": walk_modules(Path(str(lionagi.__file__)).parent),
        "errors": [],
    }
    sections: dict[str, Callable[[], Any]] = {
        "providers": read_providers,
        "defaults": read_defaults,
        "tool_schema": probe_tool_schema,
        "probes": lambda: probe_names(request.get("probe_names", [])),
    }
    for key, read in sections.items():
        try:
            out[key] = read()
        except Exception as error:  # one section failing leaves the others
            out["errors"].append(f"{key}: {type(error).__name__}: {error}")
    out["models"] = read_models(out.get("providers", {}))
    out["symbols"] = collector.symbols
    out["aliases"] = collector.aliases
    return out


def main() -> int:
    request: Json = {}
    if not sys.stdin.isatty():
        text = sys.stdin.read()
        request = json.loads(text) if text.strip() else {}
    real_stdout = sys.stdout
    # lionagi may print or log while importing: keep stdout for the JSON alone.
    sys.stdout = sys.stderr
    logging.disable(logging.CRITICAL)
    os.environ.setdefault("LOG_AUTO_SAVE_ON_EXIT", "false")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = introspect(request)
    sys.stdout = real_stdout
    json.dump(result, sys.stdout, sort_keys=True, separators=(",", ":"))
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
