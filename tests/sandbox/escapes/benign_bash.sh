# Benign bash: a loop, arithmetic and a pipeline; the output is exact.
for i in 1 2 3; do
    echo "line $((i * i))"
done | sort -r
echo "uid $(id -u)"
