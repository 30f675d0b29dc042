import pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.tree import DecisionTreeClassifier

# 1. Read examples/flowers.csv: measurements in X, species in y.

# 2. Split (test_size=0.3, random_state=0, stratify=y); print "train: N, test: N".

# 3. Fit a classifier on the training set.

# 4. Print "accuracy: 0.00" with its score on the test set.
