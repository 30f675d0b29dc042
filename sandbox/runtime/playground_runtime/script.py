"""The user's script for the offline model: rules keyed on the prompt, then scripted replies.

Read once, at the first model call, from `$PLAYGROUND_OFFLINE_SCRIPT` or else the first of
`offline_model.yaml`, `offline_model.yml`, `offline_model.json` in the working directory
(the run's workspace)::

    rules:                       # the first rule that matches answers
      - prompt_contains: capital of France      # case-insensitive
        reply: Paris
      - prompt_regex: "weather in \\w+"
        reply: {city: Paris, temperature_c: 21.5, sunny: true, tags: [warm]}
    replies:                     # then these, one per call, in order
      - Hello from the script.

A rule matches the instruction of the latest user turn (the whole turn when it is not
lionagi's). A reply that is not a string is sent as JSON.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SCRIPT_ENV = "PLAYGROUND_OFFLINE_SCRIPT"
SCRIPT_NAMES = ("offline_model.yaml", "offline_model.yml", "offline_model.json")


class OfflineModelError(Exception):
    """The offline model cannot answer: a bad script, or a request it does not serve."""


@dataclass(frozen=True)
class Rule:
    reply: Any
    contains: str | None = None
    regex: re.Pattern[str] | None = None

    def matches(self, prompt: str) -> bool:
        if self.contains is not None and self.contains.lower() not in prompt.lower():
            return False
        return self.regex is None or self.regex.search(prompt) is not None


@dataclass
class Script:
    rules: list[Rule] = field(default_factory=list)
    replies: list[Any] = field(default_factory=list)
    source: str = ""

    def answer(self, prompt: str) -> tuple[bool, Any]:
        """(True, reply) from the first matching rule, else the next scripted reply."""
        for rule in self.rules:
            if rule.matches(prompt):
                return True, rule.reply
        if self.replies:
            return True, self.replies.pop(0)
        return False, None


def find_script(cwd: Path | None = None) -> Path | None:
    explicit = os.environ.get(SCRIPT_ENV)
    if explicit:
        return Path(explicit)
    here = cwd or Path.cwd()
    return next((here / name for name in SCRIPT_NAMES if (here / name).is_file()), None)


def load_script(path: Path | None) -> Script:
    if path is None:
        return Script()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise OfflineModelError(f"cannot read the offline model's script {path}: {error}") from None
    data = _parse(path, text)
    if data is None:
        return Script(source=str(path))
    if not isinstance(data, dict) or not set(data) <= {"rules", "replies"}:
        raise OfflineModelError(f"{path}: expected a mapping with `rules` and/or `replies`")
    rules = data.get("rules") or []
    replies = data.get("replies") or []
    if not isinstance(rules, list) or not isinstance(replies, list):
        raise OfflineModelError(f"{path}: `rules` and `replies` must be lists")
    return Script(
        rules=[_rule(path, index, item) for index, item in enumerate(rules, 1)],
        replies=list(replies),
        source=str(path),
    )


def _parse(path: Path, text: str) -> Any:
    if path.suffix == ".json":
        try:
            return json.loads(text) if text.strip() else None
        except ValueError as error:
            raise OfflineModelError(f"{path}: not valid JSON: {error}") from None
    import yaml  # type: ignore[import-untyped]  # a lionagi dependency

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise OfflineModelError(f"{path}: not valid YAML: {error}") from None


def _rule(path: Path, index: int, item: Any) -> Rule:
    where = f"{path}: rule {index}"
    if not isinstance(item, dict) or "reply" not in item:
        raise OfflineModelError(f"{where} needs a `reply`")
    unknown = set(item) - {"prompt_contains", "prompt_regex", "reply"}
    if unknown:
        raise OfflineModelError(f"{where} has unknown keys: {', '.join(sorted(unknown))}")
    contains, pattern = item.get("prompt_contains"), item.get("prompt_regex")
    if contains is None and pattern is None:
        raise OfflineModelError(f"{where} needs `prompt_contains` or `prompt_regex`")
    try:
        regex = re.compile(str(pattern)) if pattern is not None else None
    except re.error as error:
        raise OfflineModelError(f"{where}: bad `prompt_regex`: {error}") from None
    return Rule(
        reply=item["reply"], contains=None if contains is None else str(contains), regex=regex
    )
