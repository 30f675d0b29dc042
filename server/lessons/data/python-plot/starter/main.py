import matplotlib.pyplot as plt

# 1. The numbers 1 to 10 and their squares.
xs = []
ys = []

# 2. Plot ys against xs, give the chart a title, and show it.

# 3. Print "plotted N points".
