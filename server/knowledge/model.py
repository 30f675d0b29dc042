"""The shape of what the playground knows about lionagi, and the look-ups on it.

Everything here is plain frozen data: a `Knowledge` is built once (from the
runtime environment's introspection plus the curated history), pickled into
the analysis worker and shared by every LSP session. Symbols are keyed by the
full name jedi reports (`module.qualname` of the defining object, e.g.
`lionagi.session.branch.Branch.operate`), so the LSP layer can go from a jedi
name straight to our signature and documentation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from lionagi_playground.server.knowledge.history import History

SymbolKind = Literal[
    "module", "class", "function", "method", "coroutine", "asyncgen", "property", "attribute"
]
ParamKind = Literal[
    "positional_only", "positional_or_keyword", "var_positional", "keyword_only", "var_keyword"
]
ProviderKind = Literal["api", "cli", "agentic", "test"]

EMPTY_MAP: Mapping[str, str] = {}


@dataclass(frozen=True, slots=True)
class Param:
    name: str
    kind: ParamKind
    default: str | None = None
    """`repr` of the default, None when the parameter has none."""
    annotation: str | None = None
    doc: str | None = None

    @property
    def is_keyword(self) -> bool:
        """Can be passed as `name=value`."""
        return self.kind in ("positional_or_keyword", "keyword_only")

    def render(self) -> str:
        """The parameter as it reads in a signature."""
        prefix = {"var_positional": "*", "var_keyword": "**"}.get(self.kind, "")
        text = prefix + self.name
        if self.annotation:
            text += f": {self.annotation}"
        if self.default is not None:
            text += f" = {self.default}" if self.annotation else f"={self.default}"
        return text


@dataclass(frozen=True, slots=True)
class Symbol:
    full_name: str
    """`lionagi.session.branch.Branch.operate`: what jedi's `full_name` gives."""
    name: str
    """`Branch.operate`: the short name people write."""
    kind: SymbolKind
    params: tuple[Param, ...] = ()
    returns: str | None = None
    doc: str | None = None
    members: tuple[str, ...] = ()
    """For classes: the public members we know (short names, no class prefix)."""
    has_signature: bool = False

    @property
    def is_async(self) -> bool:
        return self.kind in ("coroutine", "asyncgen")

    @property
    def signature(self) -> str | None:
        """`Branch.operate(*, instruction: ... = None, ...) -> ...`, None without a signature."""
        if self.kind == "property" or self.kind == "attribute":
            return f"{self.name}: {self.returns}" if self.returns else self.name
        if not self.has_signature:
            return None
        parts: list[str] = []
        star_done = False
        slash_pending = False
        for param in self.params:
            if param.kind == "positional_only":
                slash_pending = True
            elif slash_pending:
                parts.append("/")
                slash_pending = False
            if param.kind == "var_positional":
                star_done = True
            if param.kind == "keyword_only" and not star_done:
                parts.append("*")
                star_done = True
            parts.append(param.render())
        if slash_pending:
            parts.append("/")
        text = f"{self.name}({', '.join(parts)})"
        return f"{text} -> {self.returns}" if self.returns else text

    @property
    def header(self) -> str:
        """The signature as a Python line for hover: `async def Branch.operate(...)`."""
        prefix = {
            "class": "class ",
            "coroutine": "async def ",
            "asyncgen": "async def ",
            "function": "def ",
            "method": "def ",
            "module": "module ",
        }.get(self.kind, "")
        return prefix + (self.signature or self.name)

    def param(self, name: str) -> Param | None:
        for param in self.params:
            if param.name == name:
                return param
        return None

    @property
    def positional_count(self) -> int | None:
        """How many positional arguments it accepts; None when unlimited (`*args`)."""
        count = 0
        for param in self.params:
            if param.kind == "var_positional":
                return None
            if param.kind in ("positional_only", "positional_or_keyword"):
                count += 1
        return count

    @property
    def accepts_any_keyword(self) -> bool:
        return any(param.kind == "var_keyword" for param in self.params)


@dataclass(frozen=True, slots=True)
class Provider:
    name: str
    """The canonical name (`claude_code`)."""
    kind: ProviderKind
    aliases: tuple[str, ...] = ()
    """Other names that select it (`claude`, `claude-code`)."""
    endpoints: tuple[str, ...] = ()
    """Endpoint names and their aliases (`chat`, `chat/completions`, `embed`, ...)."""
    api_key_env: str | None = None
    base_url: str | None = None
    company: str | None = None
    """The `lionagi.providers.<company>` package that registers it (`anthropic`, `google`)."""
    api_alternative: str | None = None
    """For a local CLI or agent provider: the HTTP API provider of the same company."""

    @property
    def description(self) -> str:
        """One line for completion details."""
        if self.kind == "cli":
            text = "local CLI agent (spawns a subprocess; cannot run in the sandbox)"
        elif self.kind == "agentic":
            text = "local agent framework (cannot run in the sandbox)"
        elif self.kind == "test":
            text = "scripted test provider (offline, no API key)"
        else:
            text = "HTTP API"
            if self.api_key_env:
                text += f", key from ${self.api_key_env}"
        return text


@dataclass(frozen=True, slots=True)
class SchemaOutcome:
    """What lionagi makes of one annotation shape when it builds a tool schema."""

    ok: bool
    json_type: str | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class ToolSchemaInfo:
    """How the installed lionagi turns tool-function annotations into a JSON schema.

    Keys of `outcomes` are annotation shapes: a builtin name (`int`), `list[]`
    for a subscripted builtin, `Optional`, `Union`, `Literal`, `Any`, `X | None`,
    `'str'` (a string annotation, as under `from __future__ import annotations`),
    `Custom` (a class of the user's).
    """

    outcomes: Mapping[str, SchemaOutcome] = field(default_factory=dict)
    defaults_ignored: bool = True
    """Every parameter is marked required, default or not."""


@dataclass(frozen=True, eq=False)
class Knowledge:
    """What lionagi (as installed in the runtime environment) offers, plus its curated history.

    Equality and hashing go by `fingerprint`, a hash of the whole content.
    """

    fingerprint: str
    version: str | None
    """The lionagi version in the runtime environment; None when lionagi is absent."""
    exports: frozenset[str] = frozenset()
    """Top-level names of `lionagi` (its `__all__`)."""
    names: frozenset[str] = frozenset()
    """Every other name `lionagi` has once imported (helpers such as `lazy_import`)."""
    modules: frozenset[str] = frozenset()
    """Importable module names under `lionagi` (`lionagi.providers.openai.chat`, ...)."""
    symbols: Mapping[str, Symbol] = field(default_factory=dict)
    """By jedi full name."""
    aliases: Mapping[str, str] = field(default_factory=dict)
    """Other full names of the same symbol (`lionagi.Branch`, an inherited member's
    `lionagi.session.branch.Branch.to_json`) -> the key in `symbols`."""
    export_targets: Mapping[str, str] = field(default_factory=dict)
    """Top-level name -> full name of what it is (`Builder` ->
    `lionagi.operations.builder.OperationGraphBuilder`)."""
    providers: tuple[str, ...] = ()
    """Canonical provider names, sorted."""
    provider_info: Mapping[str, Provider] = field(default_factory=dict)
    provider_aliases: Mapping[str, str] = field(default_factory=dict)
    """Every name or alias (lower case) -> canonical provider."""
    cli_providers: frozenset[str] = frozenset()
    """Canonical names of providers that cannot run in the sandbox: local CLIs
    (`claude_code`, `codex`, ...) and local agent frameworks (`ag2`)."""
    models: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Known model names per provider, where lionagi lists them."""
    default_provider: str = "openai"
    default_model: str = "gpt-4.1-mini"
    tool_schema: ToolSchemaInfo = field(default_factory=ToolSchemaInfo)
    probes: Mapping[str, bool] = field(default_factory=dict)
    """`module:name` -> whether it exists, for names the history mentions in submodules."""
    history: History = field(default_factory=History)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Knowledge) and other.fingerprint == self.fingerprint

    def __hash__(self) -> int:
        return hash(self.fingerprint)

    # -- symbols -----------------------------------------------------------

    def symbol(self, full_name: str) -> Symbol | None:
        """The symbol jedi calls `full_name` (any of its names), else None."""
        found = self.symbols.get(full_name)
        if found is None:
            target = self.aliases.get(full_name)
            found = self.symbols.get(target) if target else None
        return found

    def export(self, name: str) -> Symbol | None:
        """The symbol `lionagi.<name>` refers to."""
        target = self.export_targets.get(name)
        return self.symbols.get(target) if target else None

    def member(self, class_name: str, member: str) -> Symbol | None:
        """A member of a class given by export name (`Branch`) or full name."""
        cls = self.export(class_name) or self.symbol(class_name)
        if cls is None or cls.kind != "class":
            return None
        return self.symbol(f"{cls.full_name}.{member}")

    def has_member(self, class_name: str, member: str) -> bool | None:
        """Whether the class has that public member; None if we do not know the class."""
        cls = self.export(class_name) or self.symbol(class_name)
        if cls is None or cls.kind != "class":
            return None
        return member in cls.members

    def parameter(self, full_name: str, name: str) -> Param | None:
        """Parameter `name` of the callable jedi calls `full_name` (for keyword completion)."""
        symbol = self.symbol(full_name)
        return symbol.param(name) if symbol is not None else None

    def keyword_params(self, full_name: str) -> tuple[Param, ...]:
        """The parameters that can be passed by keyword, documented where we can."""
        symbol = self.symbol(full_name)
        if symbol is None:
            return ()
        return tuple(p for p in symbol.params if p.is_keyword)

    # -- providers ---------------------------------------------------------

    def canonical_provider(self, name: str) -> str | None:
        """The provider a name or alias selects (`claude` -> `claude_code`), None if unknown."""
        return self.provider_aliases.get(name.lower())

    def is_cli_provider(self, name: str) -> bool:
        canonical = self.canonical_provider(name)
        return canonical is not None and canonical in self.cli_providers

    def provider_names(self) -> tuple[str, ...]:
        """Every name that selects a provider, canonical names first (for completion)."""
        aliases = sorted(set(self.provider_aliases) - set(self.providers))
        return self.providers + tuple(aliases)

    def provider_for_model(self, model: str) -> str | None:
        """The provider whose models `model` (without a `provider/` prefix) belongs to."""
        for provider, names in self.models.items():
            if model in names:
                return provider
        lowered = model.lower()
        for prefix, provider in self.history.model_prefixes:
            if lowered.startswith(prefix):
                return provider
        return None
