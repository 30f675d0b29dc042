import asyncio

from lionagi import Branch


async def main():
    branch = Branch(system="You are a concise assistant.")
    # 1. Ask the branch a question with communicate() and print the reply.
    reply = await branch.communicate("What is the capital of France?")
    print(reply)
    # 2. Print how many messages the branch holds, as "messages: N".
    print(f"messages: {len(branch.messages)}")


asyncio.run(main())
