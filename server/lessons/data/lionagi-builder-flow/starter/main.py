import asyncio

from lionagi import Builder, Session


async def main():
    session = Session()
    builder = Builder("trip")
    # 1-3. Add the steps: city, then day and dish (after city), then postcard (after both).

    # 4. Run the graph with session.flow(builder.get_graph()); print each step's result
    #    as "<step>: ...", then "completed: N, failed: N".


asyncio.run(main())
