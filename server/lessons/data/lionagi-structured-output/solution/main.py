import asyncio

from lionagi import Branch
from pydantic import BaseModel


class Recipe(BaseModel):
    name: str
    # 1. Add `minutes` (a whole number) and `ingredients` (a list of texts).
    minutes: int
    ingredients: list[str]


async def main():
    branch = Branch(system="You are a cook who answers in structured data.")
    # 2. Ask for a pancake recipe with operate(instruction=..., response_format=Recipe).
    recipe = await branch.operate(
        instruction="Give me a pancake recipe", response_format=Recipe
    )
    # 3. Print "is a Recipe: ...", "name: ...", "minutes: ..." and "ingredients: N".
    print(f"is a Recipe: {isinstance(recipe, Recipe)}")
    print(f"name: {recipe.name}")
    print(f"minutes: {recipe.minutes}")
    print(f"ingredients: {len(recipe.ingredients)}")


asyncio.run(main())
