"""Every language feature, end to end, over stdio and over the WebSocket endpoint."""

from __future__ import annotations

import asyncio

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcRequestCancelled
from pytest_lsp import client_capabilities

from lionagi_playground.server.features import word_completion
from tests.lsp.harness import (
    Client,
    WsServer,
    change_document,
    complete,
    open_document,
    pos,
    start_client,
    stop_client,
)


def _codes(diagnostics: list[types.Diagnostic]) -> set[tuple[str | None, object, int]]:
    return {(d.source, d.code, d.range.start.line) for d in diagnostics}


async def test_diagnostics_are_pushed_for_the_version_analysed(client: Client) -> None:
    uri = open_document(client, "import os\nprint(undefined_name)\n")
    diagnostics = await client.published.wait(uri, version=1)
    assert ("pyflakes", "F821", 1) in _codes(diagnostics)
    assert ("pyflakes", "F401", 0) in _codes(diagnostics)

    change_document(client, uri, 2, "import os\nprint(os.getcwd()\n")
    diagnostics = await client.published.wait(uri, version=2)
    assert [d.source for d in diagnostics] == ["syntax"]
    assert diagnostics[0].severity == types.DiagnosticSeverity.Error

    change_document(client, uri, 3, "import os\nprint(os.getcwd())\n")
    assert await client.published.wait(uri, version=3) == []


async def test_rapid_edits_publish_only_the_last_version(client: Client) -> None:
    uri = open_document(client, "x = 1\n")
    await client.published.wait(uri, version=1)
    for version in range(2, 12):
        change_document(client, uri, version, f"x = 1\ny = undefined_{version}\n")
    diagnostics = await client.published.wait(uri, version=11)
    assert [d.message for d in diagnostics] == ["undefined name 'undefined_11'"]
    published_versions = [p.version for p in client.published.by_uri[uri]]
    # The debounce folds the burst: nothing in between was analysed and published.
    assert published_versions == [1, 11]


async def test_lionagi_rule_with_quick_fix(client: Client) -> None:
    uri = open_document(client, "from lionagi import Agent\n\nagent = Agent()\n")
    diagnostics = await client.published.wait(uri, version=1)
    lionagi = [d for d in diagnostics if d.source == "lionagi"]
    assert lionagi, diagnostics
    assert lionagi[0].range.start.line == 0
    assert "Branch" in lionagi[0].message

    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=lionagi[0].range,
            context=types.CodeActionContext(diagnostics=[lionagi[0]]),
        )
    )
    assert actions
    action = actions[0]
    assert isinstance(action, types.CodeAction)
    assert action.kind == types.CodeActionKind.QuickFix
    assert action.edit is not None
    assert action.edit.document_changes
    change = action.edit.document_changes[0]
    assert isinstance(change, types.TextDocumentEdit)
    assert any(
        isinstance(edit, types.TextEdit) and "Branch" in edit.new_text for edit in change.edits
    )


async def test_completion_and_lazy_resolve(client: Client) -> None:
    uri = open_document(client, "import os\nos.pa\n")
    result = await complete(
        client,
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=pos(1, 5)
        ),
    )
    assert isinstance(result, types.CompletionList)
    by_label = {item.label: item for item in result.items}
    assert "path" in by_label
    assert "pardir" in by_label
    assert by_label["pardir"].documentation is None  # documentation waits for resolve

    resolved = await client.completion_item_resolve_async(by_label["pardir"])
    assert resolved.detail

    uri = open_document(client, "import json\njson.dum\n")
    result = await complete(
        client,
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=pos(1, 8)
        ),
    )
    assert isinstance(result, types.CompletionList)
    dumps = next(item for item in result.items if item.label == "dumps")
    assert dumps.kind == types.CompletionItemKind.Function
    resolved = await client.completion_item_resolve_async(dumps)
    assert resolved.detail
    assert resolved.detail.startswith("dumps(obj")
    assert isinstance(resolved.documentation, types.MarkupContent)
    assert "Serialize ``obj`` to a JSON formatted ``str``" in resolved.documentation.value


async def test_provider_names_complete_inside_imodel(client: Client) -> None:
    text = 'from lionagi import iModel\n\nmodel = iModel(provider="'
    uri = open_document(client, text + '")\n')
    result = await complete(
        client,
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=pos(2, len(text.splitlines()[-1])),
        ),
    )
    assert isinstance(result, types.CompletionList)
    labels = [item.label for item in result.items]
    assert {"openai", "anthropic", "gemini"} <= set(labels)
    assert "google" not in labels
    # API providers sort before local CLI providers, which cannot run in the sandbox.
    ordered = sorted(result.items, key=lambda item: item.sort_text or "")
    assert ordered[0].label in {"openai", "anthropic", "gemini", "groq", "deepseek"} or (
        "CLI" not in (ordered[0].detail or "")
    )


async def test_keyword_arguments_of_lionagi_calls_complete_with_docs(client: Client) -> None:
    text = "from lionagi import Branch\n\nbranch = Branch(chat_"
    uri = open_document(client, text + ")\n")
    result = await complete(
        client,
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=pos(2, len("branch = Branch(chat_")),
        ),
    )
    assert isinstance(result, types.CompletionList)
    by_label = {item.label: item for item in result.items}
    assert "chat_model=" in by_label, sorted(by_label)
    resolved = await client.completion_item_resolve_async(by_label["chat_model="])
    assert resolved.detail
    assert "chat_model" in resolved.detail


async def test_hover_shows_signature_and_docstring(client: Client) -> None:
    uri = open_document(client, "import os.path\nos.path.join('a', 'b')\n")
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=pos(1, 9))
    )
    assert hover is not None
    assert isinstance(hover.contents, types.MarkupContent)
    assert "join(" in hover.contents.value


async def test_hover_on_lionagi_names_uses_the_installed_lionagi(client: Client) -> None:
    uri = open_document(client, "from lionagi import Branch\n\nBranch\n")
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=pos(2, 2))
    )
    assert hover is not None
    assert isinstance(hover.contents, types.MarkupContent)
    assert "Branch" in hover.contents.value
    assert "chat_model" in hover.contents.value


async def test_signature_help_marks_the_active_parameter(client: Client) -> None:
    uri = open_document(client, "def greet(name, greeting):\n    pass\n\ngreet('a', \n")
    help_ = await client.text_document_signature_help_async(
        types.SignatureHelpParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=pos(3, 11)
        )
    )
    assert help_ is not None
    assert help_.signatures[0].label.startswith("greet(name, greeting)")
    assert help_.active_parameter == 1


async def test_definition_and_references(client: Client) -> None:
    text = "def target():\n    return 1\n\nvalue = target()\nother = target()\n"
    uri = open_document(client, text)
    definition = await client.text_document_definition_async(
        types.DefinitionParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=pos(3, 10)
        )
    )
    assert isinstance(definition, list)
    assert definition
    location = definition[0]
    assert isinstance(location, types.Location)
    assert location.uri == uri
    assert location.range.start == pos(0, 4)

    references = await client.text_document_references_async(
        types.ReferenceParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=pos(0, 5),
            context=types.ReferenceContext(include_declaration=True),
        )
    )
    assert references is not None
    assert sorted(r.range.start.line for r in references) == [0, 3, 4]


async def test_document_symbols_are_nested(client: Client) -> None:
    text = (
        "import os\n\nclass Agentish:\n    def act(self):\n        pass\n\n"
        "def main():\n    pass\n\nLIMIT = 3\n"
    )
    uri = open_document(client, text)
    symbols = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert symbols is not None
    top = {s.name: s for s in symbols if isinstance(s, types.DocumentSymbol)}
    assert set(top) >= {"Agentish", "main", "LIMIT"}
    assert top["Agentish"].kind == types.SymbolKind.Class
    assert [c.name for c in top["Agentish"].children or []] == ["act"]
    assert (top["Agentish"].children or [])[0].kind == types.SymbolKind.Method


async def test_formatting_uses_ruff(client: Client) -> None:
    uri = open_document(client, "x=[1,2 ,3]\ndef f( a ):\n  return a\n")
    edits = await client.text_document_formatting_async(
        types.DocumentFormattingParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            options=types.FormattingOptions(tab_size=4, insert_spaces=True),
        )
    )
    assert edits is not None
    assert len(edits) == 1
    assert edits[0].new_text == "x = [1, 2, 3]\n\n\ndef f(a):\n    return a\n"


async def test_formatting_a_file_with_a_syntax_error_changes_nothing(client: Client) -> None:
    uri = open_document(client, "def f(:\n")
    edits = await client.text_document_formatting_async(
        types.DocumentFormattingParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            options=types.FormattingOptions(tab_size=4, insert_spaces=True),
        )
    )
    assert not edits


@pytest.mark.parametrize(("line", "character"), [(99, 0), (0, 10_000), (2**31 - 1, 2**31 - 1)])
async def test_positions_out_of_range_get_empty_answers(
    client: Client, line: int, character: int
) -> None:
    uri = open_document(client, "x = 1\n")
    doc = types.TextDocumentIdentifier(uri=uri)
    far = pos(line, character)
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=doc, position=far)
    )
    if line > 1:
        assert hover is None
    # A column past the end means the end of the line (LSP): `1` is there.
    assert hover is None or "int" in str(hover.contents)
    completion = await complete(client, types.CompletionParams(text_document=doc, position=far))
    assert completion is None or isinstance(completion, types.CompletionList)


async def test_clients_that_pull_get_diagnostics_by_pull_and_none_pushed(
    ws_server: WsServer, tmp_path_factory: pytest.TempPathFactory
) -> None:
    capabilities = client_capabilities("neovim")  # Neovim 0.11 pulls diagnostics
    assert capabilities.text_document is not None
    assert capabilities.text_document.diagnostic
    for transport in ("stdio", "ws"):
        puller = await start_client(
            transport, ws_server, tmp_path_factory.mktemp("pull"), capabilities
        )
        uri = open_document(puller, "import os\nprint(undefined_name)\n")
        report = await puller.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri))
        )
        assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
        assert ("pyflakes", "F821", 1) in _codes(list(report.items))
        again = await puller.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                previous_result_id=report.result_id,
            )
        )
        assert isinstance(again, types.RelatedUnchangedDocumentDiagnosticReport)
        # A request after the pulls proves any push would have arrived by now.
        await puller.text_document_hover_async(
            types.HoverParams(
                text_document=types.TextDocumentIdentifier(uri=uri), position=pos(0, 8)
            )
        )
        assert uri not in puller.published.by_uri
        await stop_client(puller)


async def test_cancel_request_drops_work_that_has_not_started(client: Client) -> None:
    big = "".join(f"def function_{i}(a, b):\n    return a + b * {i}\n\n" for i in range(6000))
    big_uri = open_document(client, big)
    small_uri = open_document(client, "import os\nos.pa\n")
    # pytest-lsp's *_async helpers send nothing until awaited; pygls's
    # send_request writes at once, so the three messages go out in this order.
    # Document symbols of a large new file keep the jedi thread busy for a while...
    symbols = asyncio.wrap_future(
        client.protocol.send_request(
            types.TEXT_DOCUMENT_DOCUMENT_SYMBOL,
            types.DocumentSymbolParams(text_document=types.TextDocumentIdentifier(uri=big_uri)),
        )
    )
    # ...so this completion waits in line, and is cancelled before it starts.
    completion = asyncio.wrap_future(
        client.protocol.send_request(
            types.TEXT_DOCUMENT_COMPLETION,
            types.CompletionParams(
                text_document=types.TextDocumentIdentifier(uri=small_uri), position=pos(1, 5)
            ),
            msg_id="cancel-me",
        )
    )
    client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id="cancel-me"))
    with pytest.raises(JsonRpcRequestCancelled):
        await completion
    listed = await symbols
    assert listed is not None
    assert len(listed) == 6000


async def test_completion_after_an_edit_and_its_undo_answers_from_the_text(client: Client) -> None:
    # A user types a line, completes, undoes it and completes again: every answer must be
    # what the text says, however the server reuses parses between versions.
    body = "".join(f"def helper_{i}(x):\n    return x + {i}\n\n\n" for i in range(60))
    original = f"class Record:\n    def describe(self): ...\n\n\n{body}record = Record()\nrecord.\n"
    last = original.count("\n") - 1
    uri = open_document(client, original)

    async def labels(line: int, column: int) -> set[str]:
        result = await complete(
            client,
            types.CompletionParams(
                text_document=types.TextDocumentIdentifier(uri=uri), position=pos(line, column)
            ),
        )
        assert isinstance(result, types.CompletionList)
        return {item.label for item in result.items}

    assert "describe" in await labels(last, 7)
    lines = original.splitlines(keepends=True)
    edited = "".join([*lines[:8], "record.\n", *lines[8:]])
    change_document(client, uri, 2, edited)
    assert "describe" not in await labels(8, 7)  # `record` is not defined yet there
    change_document(client, uri, 3, original)
    assert "describe" in await labels(last, 7)


def test_the_quick_answer_holds_the_files_words_after_a_dot_and_elsewhere() -> None:
    lines = [
        "import os",
        "record = os.path.basename('x')",
        "record.upper()",
        "value = record.ba",
        "rec",
    ]
    after_dot = {
        item.label for item in word_completion.word_items(lines, 4, len("value = record."))
    }
    assert after_dot == {"path", "basename", "upper"}  # attributes used after a dot
    typed = {item.label for item in word_completion.word_items(lines, 4, len(lines[3]))}
    assert typed == {"basename"}  # starting as the word typed does
    bare = {item.label: item.kind for item in word_completion.word_items(lines, 5, 3)}
    assert "record" in bare
    assert "rec" not in bare  # the word being typed is not offered to itself
    assert bare["return"] == types.CompletionItemKind.Keyword


async def test_the_first_completion_on_a_cold_server_is_words_then_jedis_answer(
    client: Client,
) -> None:
    uri = open_document(client, "import collections\nrecord = collections.Counter()\nrecord.\n")
    params = types.CompletionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=pos(2, 7)
    )
    first = await client.text_document_completion_async(params)
    assert isinstance(first, types.CompletionList)
    if first.is_incomplete:  # jedi was still warming up: the file's own attribute names
        assert {item.label for item in first.items} == {"Counter"}
    final = await complete(client, params)
    assert isinstance(final, types.CompletionList)
    assert not final.is_incomplete
    assert {"most_common", "update"} <= {item.label for item in final.items}
