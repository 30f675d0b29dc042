import pandas as pd

# 1. Read examples/sales.csv.
sales = None

# 2. Add a "revenue" column: units * unit_price.

# 3. Sum units and revenue per region, largest revenue first; print the table.

# 4. Print "best region: ...".
