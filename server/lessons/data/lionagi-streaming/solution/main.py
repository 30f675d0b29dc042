import asyncio

from lionagi import iModel


async def main():
    model = iModel(provider="openai", model="gpt-4.1-mini")
    messages = [{"role": "user", "content": "Tell me a story about a lion"}]
    # 1-2. Stream the reply with `async for chunk in model.stream(messages=messages)`,
    #      printing each text chunk as "chunk: ...".
    pieces = []
    async for chunk in model.stream(messages=messages):
        if chunk.type == "text":
            print(f"chunk: {chunk.content}")
            pieces.append(chunk.content)
    # 3. Print the whole reply as "story: ...".
    print(f"story: {''.join(pieces)}")


asyncio.run(main())
