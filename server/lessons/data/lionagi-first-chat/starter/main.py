import asyncio

from lionagi import Branch


async def main():
    branch = Branch(system="You are a concise assistant.")
    # 1. Ask the branch a question with communicate() and print the reply.

    # 2. Print how many messages the branch holds, as "messages: N".


asyncio.run(main())
