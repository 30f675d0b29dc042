import asyncio

from lionagi import Branch

POPULATIONS = {"Paris": 2102650, "Rome": 2748109, "Tokyo": 14094034}


def population(city: str) -> int:
    """How many people live in a city."""
    print(f"[tool] population({city!r})")
    return POPULATIONS.get(city, 0)


async def main():
    # 1. Give the branch the population tool.
    branch = Branch(system="You answer questions about cities.", tools=[population])
    # 2. Ask "What is the population of Rome?" with ReAct (max_extensions=2).
    answer = await branch.ReAct(
        {"instruction": "What is the population of Rome?"}, max_extensions=2
    )
    # 3. Print the answer as "answer: ...".
    print(f"answer: {answer}")


asyncio.run(main())
