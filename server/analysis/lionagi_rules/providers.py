"""Rules on providers and models in `iModel(...)` and `Branch(chat_model="...")`.

LION701 a provider lionagi does not have (`provider="google"`): ProviderNotFoundError.
LION702 a local CLI or agent provider (`claude`, `codex`, `ag2`): cannot run in the sandbox.
LION703 a model and a provider that disagree (`provider="openai", model="claude-..."`,
        or `model="claude-..."` alone, which goes to the default provider).
LION704 `provider="openai", model="openai/gpt-4o"`: the prefix stays in the model name.
Provider names, aliases and kinds come from lionagi's registry; which
company a model belongs to from lionagi's model lists and a curated prefix table.
"""

from __future__ import annotations

import ast
import difflib
from collections.abc import Iterator

from lionagi_playground.server.analysis.findings import Finding, Fix, Severity
from lionagi_playground.server.analysis.lionagi_rules.context import Callee, Context, fix
from lionagi_playground.server.knowledge import Knowledge

# String parameters of Branch(...) that take a model spec ("provider/model").
_MODEL_SPEC_PARAMS = ("chat_model", "parse_model")


def check(ctx: Context) -> Iterator[Finding]:
    if not ctx.knowledge.providers:
        return
    for call, _scope, callee in ctx.constructions:
        if callee.constructs == "iModel":
            yield from _imodel(ctx, call, callee)
        else:
            for name in _MODEL_SPEC_PARAMS:
                spec = _text(ctx.argument(call, callee.symbol, name))
                if spec is not None:
                    yield from _model_spec(ctx, spec)


def _imodel(ctx: Context, call: ast.Call, callee: Callee) -> Iterator[Finding]:
    if any(k.arg is None for k in call.keywords):
        return  # iModel(**config): we cannot see the provider
    given = ctx.argument(call, callee.symbol, "provider")
    provider = _text(given)
    model = _text(ctx.argument(call, callee.symbol, "model"))
    base_url = ctx.argument(call, callee.symbol, "base_url")
    if given is None:
        if model is not None:
            yield from _model_spec(ctx, model)
        return
    if provider is None:
        return  # provider=some_variable
    name = str(provider.value)
    canonical = ctx.knowledge.canonical_provider(name)
    if canonical is None:
        if base_url is None:  # with base_url= lionagi routes it as OpenAI-compatible
            yield _unknown_provider(ctx, provider, name)
        return
    if canonical in ctx.knowledge.cli_providers:
        yield _cli_provider(ctx, provider, name, canonical)
        return
    if model is not None:
        yield from _model_for_provider(ctx, model, provider, canonical)


def _model_spec(ctx: Context, spec: ast.Constant) -> Iterator[Finding]:
    """A model given without `provider=`: `"claude-3-5"` or `"anthropic/claude-3-5"`."""
    value = str(spec.value)
    knowledge = ctx.knowledge
    if "/" in value:
        prefix, _, rest = value.partition("/")
        canonical = knowledge.canonical_provider(prefix)
        if canonical is None:
            yield _unknown_provider(ctx, spec, prefix, rest)
        elif canonical in knowledge.cli_providers:
            yield _cli_provider(ctx, spec, prefix, canonical, rest)
        return
    family = ctx.index.provider_for_model(value)
    default = knowledge.default_provider
    if family is None or family == default or family not in knowledge.provider_info:
        return
    message = (
        f'"{value}" is a model of provider "{family}", but without a provider lionagi sends it '
        f"to the default provider ({default}, set by LIONAGI_CHAT_PROVIDER): "
        f'write "{family}/{value}"'
    )
    edit = ctx.string_edit(spec, f"{family}/{value}")
    fixes = fix(f'Use "{family}/{value}"', edit) if edit else ()
    yield ctx.finding(ctx.span(spec), "LION703", Severity.WARNING, message, fixes)


def _model_for_provider(
    ctx: Context, model: ast.Constant, provider: ast.Constant, canonical: str
) -> Iterator[Finding]:
    value = str(model.value)
    provider_name = str(provider.value)
    knowledge = ctx.knowledge
    first_party = canonical in knowledge.history.first_party_providers
    if "/" in value:
        prefix, _, rest = value.partition("/")
        owner = knowledge.canonical_provider(prefix)
        if owner == canonical:
            message = (
                f'with provider="{provider_name}" the model name is sent as written: '
                f'"{value}" keeps its "{prefix}/" prefix and the API rejects it. Write "{rest}"'
            )
            edit = ctx.string_edit(model, rest)
            fixes = fix(f'Use "{rest}"', edit) if edit else ()
            yield ctx.finding(ctx.span(model), "LION704", Severity.WARNING, message, fixes)
        elif owner is not None and first_party and owner not in knowledge.cli_providers:
            message = (
                f'"{value}" names provider {owner}, but provider="{provider_name}": '
                f'write provider="{owner}", model="{rest}"'
            )
            edits = (ctx.string_edit(provider, owner), ctx.string_edit(model, rest))
            fixes = fix(f'Use provider "{owner}"', *edits)
            yield ctx.finding(ctx.span(model), "LION703", Severity.WARNING, message, fixes)
        return
    family = ctx.index.provider_for_model(value)
    if not first_party or family is None or family == canonical:
        return
    if family not in knowledge.provider_info:
        return
    message = (
        f'"{value}" is a model of provider "{family}", but provider="{provider_name}" serves '
        f'only its own models: use provider="{family}"'
    )
    edit = ctx.string_edit(provider, family)
    fixes = fix(f'Use provider "{family}"', edit) if edit else ()
    yield ctx.finding(ctx.span(model), "LION703", Severity.WARNING, message, fixes)


def _unknown_provider(
    ctx: Context, node: ast.Constant, name: str, rest: str | None = None
) -> Finding:
    suggestion = suggest_provider(ctx.knowledge, name)
    message = f'lionagi has no provider "{name}" (ProviderNotFoundError)'
    fixes: tuple[Fix, ...] = ()
    if suggestion is not None:
        message += f': use "{suggestion}"'
        new = suggestion if rest is None else f"{suggestion}/{rest}"
        edit = ctx.string_edit(node, new)
        fixes = fix(f'Use "{suggestion}"', edit) if edit else ()
    else:
        message += f"; providers: {', '.join(ctx.knowledge.providers)}"
    return ctx.finding(ctx.span(node), "LION701", Severity.ERROR, message, fixes)


def _cli_provider(
    ctx: Context, node: ast.Constant, name: str, canonical: str, rest: str | None = None
) -> Finding:
    info = ctx.knowledge.provider_info[canonical]
    alternative = info.api_alternative
    if info.kind == "cli":
        what = f'"{name}" is a local CLI agent ({canonical}): lionagi spawns its command-line tool'
    else:
        what = f'"{name}" is a local agent framework ({canonical}) that lionagi runs in-process'
    message = f"{what}, which the sandbox does not have"
    fixes: tuple[Fix, ...] = ()
    if alternative:
        message += f'. For the HTTP API use provider "{alternative}" (with one of its model names)'
        if rest is None:
            edit = ctx.string_edit(node, alternative)
            fixes = fix(f'Use "{alternative}"', edit) if edit else ()
    return ctx.finding(ctx.span(node), "LION702", Severity.WARNING, message, fixes)


def suggest_provider(knowledge: Knowledge, name: str) -> str | None:
    """The provider someone who wrote `name` most likely meant."""
    lowered = name.lower().strip()
    for alias, provider in knowledge.history.provider_aliases:
        if alias == lowered and provider in knowledge.provider_info:
            return provider
    names = knowledge.provider_names()
    close = difflib.get_close_matches(lowered, names, n=1, cutoff=0.6)
    if not close:
        return None
    return knowledge.canonical_provider(close[0]) or close[0]


def _text(node: ast.expr | None) -> ast.Constant | None:
    """`node` when it is a string literal."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node
    return None
