import asyncio

from lionagi import Session


async def main():
    session = Session()
    # 1. Make a "writer" branch and a "critic" branch with session.new_branch(...).

    # 2. Draft a haiku about autumn, review it, revise it.

    # 3. Print "draft: ...", "review: ...", "final: ...",
    #    then "writer: N messages" and "critic: N messages".


asyncio.run(main())
