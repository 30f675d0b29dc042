import asyncio

from lionagi import Branch


async def main():
    branch = Branch(system="You are a friendly assistant.")
    # 1. Tell the branch your name, then ask it what your name is (same branch).
    #    Print both replies.
    print(await branch.communicate("My name is Ada."))
    print(await branch.communicate("What is my name?"))
    # 2. Print the roles of the branch's messages: "roles: system, user, ..."
    roles = ", ".join(message.role.value for message in branch.messages)
    print(f"roles: {roles}")
    # 3. Print "fresh: N", the number of messages of a new Branch().
    print(f"fresh: {len(Branch().messages)}")


asyncio.run(main())
