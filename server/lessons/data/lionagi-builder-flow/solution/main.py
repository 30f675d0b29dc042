import asyncio

from lionagi import Builder, Session


async def main():
    session = Session()
    builder = Builder("trip")
    # 1-3. Add the steps: city, then day and dish (after city), then postcard (after both).
    city = builder.add_operation("communicate", instruction="Suggest a city to visit")
    day = builder.add_operation(
        "communicate", depends_on=[city], instruction="Plan one day there"
    )
    dish = builder.add_operation(
        "communicate", depends_on=[city], instruction="Name a local dish"
    )
    postcard = builder.add_operation(
        "communicate", depends_on=[day, dish], instruction="Write the postcard"
    )
    # 4. Run the graph with session.flow(builder.get_graph()); print each step's result
    #    as "<step>: ...", then "completed: N, failed: N".
    result = await session.flow(builder.get_graph())
    steps = {"city": city, "day": day, "dish": dish, "postcard": postcard}
    for name, step in steps.items():
        print(f"{name}: {result['operation_results'][step]}")
    completed = len(result["completed_operations"])
    failed = len(result["failed_operations"])
    print(f"completed: {completed}, failed: {failed}")


asyncio.run(main())
