import pandas as pd

# 1. Read examples/sales.csv.
sales = pd.read_csv("examples/sales.csv")

# 2. Add a "revenue" column: units * unit_price.
sales["revenue"] = sales["units"] * sales["unit_price"]

# 3. Sum units and revenue per region, largest revenue first; print the table.
by_region = sales.groupby("region")[["units", "revenue"]].sum()
by_region = by_region.sort_values("revenue", ascending=False)
print(by_region)

# 4. Print "best region: ...".
print(f"best region: {by_region.index[0]}")
