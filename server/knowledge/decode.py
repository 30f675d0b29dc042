"""Turns the introspection JSON (see `introspect.py`) into a `Knowledge`, or builds the fallback.

The JSON comes from another interpreter (and from a cache file), so nothing
in it is trusted to have the right shape: anything malformed is skipped.
"""

from __future__ import annotations

import hashlib
from typing import Any, cast, get_args

from lionagi_playground.server.knowledge.history import History
from lionagi_playground.server.knowledge.model import (
    Knowledge,
    Param,
    ParamKind,
    Provider,
    ProviderKind,
    SchemaOutcome,
    Symbol,
    SymbolKind,
    ToolSchemaInfo,
)

_SYMBOL_KINDS = frozenset(get_args(SymbolKind))
_PARAM_KINDS = frozenset(get_args(ParamKind))


def fingerprint(raw: str, history: History) -> str:
    digest = hashlib.sha256(raw.encode("utf-8"))
    digest.update(history.content().encode("utf-8"))
    return digest.hexdigest()[:32]


def fallback_knowledge(history: History | None = None) -> Knowledge:
    """What we know without lionagi: the curated history only (version None)."""
    history = history or History()
    return Knowledge(fingerprint=fingerprint("no-lionagi", history), version=None, history=history)


def decode(data: dict[str, Any], raw: str, history: History | None = None) -> Knowledge:
    """A `Knowledge` from the introspection output `data` (whose JSON text is `raw`)."""
    history = history or History()
    version = _str(data.get("version"))
    if version is None:
        return fallback_knowledge(history)
    providers = _providers(_dict(data.get("providers")), history)
    aliases: dict[str, str] = {}
    for provider in providers.values():
        for name in (provider.name, *provider.aliases):
            aliases.setdefault(name.lower(), provider.name)
    defaults = _dict(data.get("defaults"))
    return Knowledge(
        fingerprint=fingerprint(raw, history),
        version=version,
        exports=frozenset(_strs(data.get("exports"))),
        names=frozenset(_strs(data.get("names"))),
        modules=frozenset(_strs(data.get("modules"))),
        symbols=_symbols(_dict(data.get("symbols"))),
        aliases={k: v for k, v in _dict(data.get("aliases")).items() if isinstance(v, str)},
        export_targets={
            k: v for k, v in _dict(data.get("export_targets")).items() if isinstance(v, str)
        },
        providers=tuple(sorted(providers)),
        provider_info=providers,
        provider_aliases=aliases,
        cli_providers=frozenset(p.name for p in providers.values() if p.kind in ("cli", "agentic")),
        models={
            provider: tuple(_strs(names))
            for provider, names in _dict(data.get("models")).items()
            if provider in providers
        },
        default_provider=_str(defaults.get("provider")) or "openai",
        default_model=_str(defaults.get("model")) or "gpt-4.1-mini",
        tool_schema=_tool_schema(_dict(data.get("tool_schema"))),
        probes={k: bool(v) for k, v in _dict(data.get("probes")).items()},
        history=history,
    )


def _symbols(raw: dict[str, Any]) -> dict[str, Symbol]:
    symbols: dict[str, Symbol] = {}
    for key, entry in raw.items():
        if not isinstance(entry, dict):
            continue
        kind = entry.get("kind")
        if kind not in _SYMBOL_KINDS:
            continue
        symbols[key] = Symbol(
            full_name=key,
            name=_str(entry.get("name")) or key.rsplit(".", 1)[-1],
            kind=cast(SymbolKind, kind),
            params=tuple(_params(entry.get("params"))),
            returns=_str(entry.get("returns")),
            doc=_str(entry.get("doc")),
            members=tuple(_strs(entry.get("members"))),
            has_signature=bool(entry.get("has_signature")),
        )
    return symbols


def _params(raw: Any) -> list[Param]:
    params: list[Param] = []
    for entry in raw if isinstance(raw, list) else []:
        if not isinstance(entry, dict) or entry.get("kind") not in _PARAM_KINDS:
            continue
        name = _str(entry.get("name"))
        if name is None:
            continue
        params.append(
            Param(
                name=name,
                kind=cast(ParamKind, entry["kind"]),
                default=_str(entry.get("default")),
                annotation=_str(entry.get("annotation")),
                doc=_str(entry.get("doc")),
            )
        )
    return params


def _providers(raw: dict[str, Any], history: History) -> dict[str, Provider]:
    rows = {name: entry for name, entry in raw.items() if isinstance(entry, dict)}
    kinds = {name: _provider_kind(entry) for name, entry in rows.items()}
    companies = {name: _company(entry) for name, entry in rows.items()}
    providers: dict[str, Provider] = {}
    for name, entry in rows.items():
        kind = kinds[name]
        alternative = None
        if kind in ("cli", "agentic"):
            same_company = sorted(
                other
                for other, other_kind in kinds.items()
                if other_kind == "api" and companies[other] and companies[other] == companies[name]
            )
            preferred = [p for p in same_company if p == companies[name]]
            alternative = (preferred or same_company or [history.api_fallback])[0]
        providers[name] = Provider(
            name=name,
            kind=kind,
            aliases=tuple(a for a in _strs(entry.get("aliases")) if a != name),
            endpoints=tuple(_strs(entry.get("endpoints"))),
            api_key_env=_str(entry.get("api_key_env")),
            base_url=_str(entry.get("base_url")),
            company=companies[name],
            api_alternative=alternative,
        )
    return providers


def _provider_kind(entry: dict[str, Any]) -> ProviderKind:
    module = _str(entry.get("module")) or ""
    if module.startswith("lionagi.testing"):
        return "test"
    if entry.get("cli"):
        return "cli"
    if "agentic" in _strs(entry.get("types")):
        return "agentic"
    return "api"


def _company(entry: dict[str, Any]) -> str | None:
    parts = (_str(entry.get("module")) or "").split(".")
    return parts[2] if len(parts) > 2 and parts[:2] == ["lionagi", "providers"] else None


def _tool_schema(raw: dict[str, Any]) -> ToolSchemaInfo:
    outcomes: dict[str, SchemaOutcome] = {}
    for shape, entry in _dict(raw.get("outcomes")).items():
        if isinstance(entry, dict):
            outcomes[shape] = SchemaOutcome(
                ok=bool(entry.get("ok")),
                json_type=_str(entry.get("json_type")),
                error=_str(entry.get("error")),
            )
    return ToolSchemaInfo(outcomes=outcomes, defaults_ignored=bool(raw.get("defaults_ignored")))


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _strs(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []
