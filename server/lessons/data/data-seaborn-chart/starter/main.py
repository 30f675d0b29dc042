import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns

# 1. Read examples/temperatures.csv.

# 2. Draw temperature_c by month, one line per town, and show it.

# 3. Print each town's warmest month: "<town>: month N".
