import matplotlib.pyplot as plt

# 1. The numbers 1 to 10 and their squares.
xs = list(range(1, 11))
ys = [x * x for x in xs]

# 2. Plot ys against xs, give the chart a title, and show it.
plt.plot(xs, ys, marker="o")
plt.title("Squares")
plt.xlabel("x")
plt.ylabel("x squared")
plt.show()

# 3. Print "plotted N points".
print(f"plotted {len(xs)} points")
