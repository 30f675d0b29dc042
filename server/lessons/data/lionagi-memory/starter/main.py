import asyncio

from lionagi import Branch


async def main():
    branch = Branch(system="You are a friendly assistant.")
    # 1. Tell the branch your name, then ask it what your name is (same branch).
    #    Print both replies.

    # 2. Print the roles of the branch's messages: "roles: system, user, ..."

    # 3. Print "fresh: N", the number of messages of a new Branch().


asyncio.run(main())
