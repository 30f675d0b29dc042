"""The introspection script's pure helpers (imported here without lionagi: it imports it lazily)."""

from __future__ import annotations

from lionagi_playground.server.knowledge.introspect import param_docs, shorten


def test_google_style_parameters() -> None:
    doc = """Do a thing.

    Args:
        instruction (str): What to do,
            over two lines.
        tools: The tools.

    Returns:
        The result.
    """
    assert param_docs(doc) == {
        "instruction": "What to do, over two lines.",
        "tools": "The tools.",
    }


def test_numpy_style_parameters() -> None:
    doc = """Do a thing.

    Parameters
    ----------
    model : str
        The model name.
    retries : int
        How often.
    """
    assert param_docs(doc) == {"model": "The model name.", "retries": "How often."}


def test_rest_style_parameters() -> None:
    doc = ":param provider: Who serves it.\n:param str model: Which model."
    assert param_docs(doc) == {"provider": "Who serves it.", "model": "Which model."}


def test_no_docstring() -> None:
    assert param_docs(None) == {}
    assert param_docs("Just a summary.") == {}


def test_annotations_are_shortened() -> None:
    assert shorten("lionagi.service.imodel.iModel | dict | None") == "iModel | dict | None"
    assert shorten("collections.abc.Callable[..., typing.Any]") == "Callable[..., Any]"
