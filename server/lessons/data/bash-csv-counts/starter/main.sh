#!/bin/bash
# Print "<product> <count>" for each product of examples/sales.csv (third column),
# in alphabetical order.
head -n 3 examples/sales.csv
