import asyncio

from lionagi import Branch


def multiply(a: int, b: int) -> int:
    """Multiply two whole numbers."""
    print(f"[tool] multiply({a}, {b})")
    return a * b


async def main():
    # 1. Register multiply as a tool of the branch.
    branch = Branch(system="You are a careful calculator.")
    # 2. Ask "What is 6 times 7?" with operate(..., actions=True).

    # 3. Print "result: ..." for each of result.action_responses.


asyncio.run(main())
