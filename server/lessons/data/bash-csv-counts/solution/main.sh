#!/bin/bash
# Print "<product> <count>" for each product of examples/sales.csv (third column),
# in alphabetical order.
tail -n +2 examples/sales.csv | cut -d, -f3 | sort | uniq -c | awk '{print $2, $1}'
