import asyncio

from lionagi import Branch


def multiply(a: int, b: int) -> int:
    """Multiply two whole numbers."""
    print(f"[tool] multiply({a}, {b})")
    return a * b


async def main():
    # 1. Register multiply as a tool of the branch.
    branch = Branch(system="You are a careful calculator.", tools=[multiply])
    # 2. Ask "What is 6 times 7?" with operate(..., actions=True).
    result = await branch.operate(instruction="What is 6 times 7?", actions=True)
    # 3. Print "result: ..." for each of result.action_responses.
    for response in result.action_responses:
        print(f"result: {response.output}")


asyncio.run(main())
