import pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.tree import DecisionTreeClassifier

# 1. Read examples/flowers.csv: measurements in X, species in y.
flowers = pd.read_csv("examples/flowers.csv")
X = flowers.drop(columns="species")
y = flowers["species"]

# 2. Split (test_size=0.3, random_state=0, stratify=y); print "train: N, test: N".
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.3, random_state=0, stratify=y
)
print(f"train: {len(X_train)}, test: {len(X_test)}")

# 3. Fit a classifier on the training set.
model = DecisionTreeClassifier(random_state=0)
model.fit(X_train, y_train)

# 4. Print "accuracy: 0.00" with its score on the test set.
print(f"accuracy: {model.score(X_test, y_test):.2f}")
