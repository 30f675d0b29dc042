"""lionagi programs the editors' trace tests run (the same in VS Code and Neovim)."""

from __future__ import annotations

TOOL_PROGRAM = (
    "import asyncio\n\n"
    "from lionagi import Branch\n\n\n"
    "def multiply(a: int, b: int) -> int:\n"
    '    """Multiply two whole numbers."""\n'
    "    return a * b\n\n\n"
    "async def main():\n"
    "    branch = Branch(name='calculator', system='You are a careful calculator.',"
    " tools=[multiply])\n"
    "    result = await branch.operate(instruction='What is 6 times 7?', actions=True)\n"
    "    for response in result.action_responses:\n"
    "        print(f'result: {response.output}')\n\n\n"
    "asyncio.run(main())\n"
)
"""A tool call on the offline model: `result: 42`."""


def online_program(base_url: str) -> str:
    """One `communicate` with the model at `base_url` (tests/fake_openai.py's stand-in)."""
    # The stand-in is on this machine (allow_local_network); requires_tokens=False: lionagi
    # would count tokens with tiktoken, which downloads its encoding on first use.
    return (
        "import asyncio\n\n"
        "from lionagi import Branch, iModel\n\n\n"
        "async def main():\n"
        "    model = iModel(provider='openai', model='gpt-4.1-mini',"
        f" base_url={base_url!r}, allow_local_network=True, requires_tokens=False)\n"
        "    reply = await Branch(chat_model=model).communicate('Write a line about autumn.')\n"
        "    print(f'reply: {reply}')\n\n\n"
        "asyncio.run(main())\n"
    )
