import asyncio

from lionagi import Session


async def main():
    session = Session()
    # 1. Make a "writer" branch and a "critic" branch with session.new_branch(...).
    writer = session.new_branch(name="writer", system="You write haiku.")
    critic = session.new_branch(name="critic", system="You review poems, briefly.")
    # 2. Draft a haiku about autumn, review it, revise it.
    draft = await writer.communicate("Write a haiku about autumn.")
    review = await critic.communicate(f"Review this haiku: {draft}")
    final = await writer.communicate(f"Revise your haiku. The review says: {review}")
    # 3. Print "draft: ...", "review: ...", "final: ...",
    #    then "writer: N messages" and "critic: N messages".
    print(f"draft: {draft}")
    print(f"review: {review}")
    print(f"final: {final}")
    print(f"writer: {len(writer.messages)} messages")
    print(f"critic: {len(critic.messages)} messages")


asyncio.run(main())
