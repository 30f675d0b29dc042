"""lionagi snippets in completion, over the real server: where they are offered, what they
insert, the imports they add, and that what they insert passes the server's own lionagi rules."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

from lsprotocol import types

from lionagi_playground.server.lessons.snippets import load_snippets
from tests.lsp.harness import (
    Client,
    WsServer,
    complete,
    open_document,
    pos,
    start_client,
    stop_client,
)

SNIPPETS = {snippet.prefix: snippet for snippet in load_snippets()}
AWAITING = {prefix for prefix, snippet in SNIPPETS.items() if snippet.needs_async}


async def snippets_at(
    client: Client, text: str, line: int, character: int
) -> dict[str, types.CompletionItem]:
    uri = open_document(client, text)
    result = await complete(
        client,
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=pos(line, character)
        ),
    )
    items = result.items if isinstance(result, types.CompletionList) else result or []
    return {item.label: item for item in items if item.kind == types.CompletionItemKind.Snippet}


ASYNC_MAIN = """\
import asyncio

from lionagi import Branch


async def main():
    branch = Branch()
    re
"""


async def test_every_snippet_inside_async_def_replacing_the_word(client: Client) -> None:
    found = await snippets_at(client, ASYNC_MAIN, 7, 6)
    assert set(found) == set(SNIPPETS)
    react = found["react"]
    assert react.insert_text_format == types.InsertTextFormat.Snippet
    assert react.insert_text_mode == types.InsertTextMode.AdjustIndentation
    assert isinstance(react.text_edit, types.TextEdit)
    assert react.text_edit.range == types.Range(start=pos(7, 4), end=pos(7, 6))
    assert react.text_edit.new_text == SNIPPETS["react"].body
    assert react.filter_text == "react"
    assert isinstance(react.documentation, types.MarkupContent)
    assert '{"instruction": "What is the population of Rome?"}' in react.documentation.value
    assert react.additional_text_edits is None  # it needs no import
    # Branch is imported already, iModel is not: only iModel is added, after the imports.
    branch = found["branch"]
    assert list(branch.additional_text_edits or ()) == [
        types.TextEdit(
            range=types.Range(start=pos(3, 0), end=pos(3, 0)),
            new_text="from lionagi import iModel\n",
        )
    ]
    assert found["asyncmain"].additional_text_edits is None  # asyncio is imported
    operate = found["operate"].additional_text_edits
    assert operate is not None
    assert operate[0].new_text == "from pydantic import BaseModel\n"


async def test_outside_async_def_only_what_needs_no_await(client: Client) -> None:
    found = await snippets_at(client, "import os\n\nbr\n", 2, 2)
    assert set(found) == set(SNIPPETS) - AWAITING
    in_plain_def = await snippets_at(client, "def f():\n    x = 1\n    \n", 2, 4)
    assert set(in_plain_def) == set(SNIPPETS) - AWAITING


async def test_no_snippet_where_a_statement_cannot_start(client: Client) -> None:
    cases = [
        ("async def main():\n    print(br\n", 1, 12),  # inside a call
        ("async def main():\n    x = foo(\n        br\n", 2, 10),  # a call's next line
        ("import os\nos.pa\n", 1, 5),  # an attribute
        ('async def main():\n    x = """\n    br\n', 2, 6),  # inside a string
        ("async def main():\n    x = br\n", 1, 10),  # an expression
        ("x = 1 + \\\n    br\n", 1, 6),  # a continued line
    ]
    for text, line, character in cases:
        assert await snippets_at(client, text, line, character) == {}, text


async def test_a_client_without_snippet_support_gets_none(
    ws_server: WsServer, tmp_path: Path
) -> None:
    plain = types.ClientCapabilities(
        text_document=types.TextDocumentClientCapabilities(
            completion=types.CompletionClientCapabilities(
                completion_item=types.ClientCompletionItemOptions(snippet_support=False)
            )
        )
    )
    client = await start_client("stdio", ws_server, tmp_path, plain)
    try:
        assert await snippets_at(client, ASYNC_MAIN, 7, 6) == {}
    finally:
        await stop_client(client)


def expand(body: str) -> str:
    """A snippet as it reads with every placeholder left at its default."""
    defaults = dict(re.findall(r"\$\{(\d+):([^}]*)\}", body))
    text = re.sub(r"\$\{(\d+):([^}]*)\}", lambda m: m.group(2), body)
    return re.sub(r"\$(\d+)", lambda m: defaults.get(m.group(1), ""), text)


async def test_the_snippets_expanded_pass_the_lionagi_rules(client: Client) -> None:
    """All of them in one program, as a learner would accept them: no diagnostic at all
    from the syntax check or the lionagi rules (pyflakes may note unused names)."""
    body = "\n".join(
        expand(SNIPPETS[prefix].body) for prefix in ("branch", "operate", "actions", "react")
    )
    program = (
        "import asyncio\n\nfrom lionagi import Branch, iModel\nfrom pydantic import BaseModel\n\n\n"
        + expand(SNIPPETS["tool"].body)
        + "\n\nasync def main():\n"
        + textwrap.indent(body, "    ")
        + "\n\nasyncio.run(main())\n"
    )
    compile(program, "program.py", "exec")
    uri = open_document(client, program)
    diagnostics = await client.published.wait(uri, 1)
    assert [
        (d.source, d.code, d.message) for d in diagnostics if d.source in ("syntax", "lionagi")
    ] == []
