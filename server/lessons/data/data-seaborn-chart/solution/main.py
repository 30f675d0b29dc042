import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns

# 1. Read examples/temperatures.csv.
temperatures = pd.read_csv("examples/temperatures.csv")

# 2. Draw temperature_c by month, one line per town, and show it.
sns.lineplot(data=temperatures, x="month", y="temperature_c", hue="town", marker="o")
plt.title("Monthly temperatures")
plt.show()

# 3. Print each town's warmest month: "<town>: month N".
warmest = temperatures.loc[temperatures.groupby("town")["temperature_c"].idxmax()]
for row in warmest.itertuples():
    print(f"{row.town}: month {row.month}")
