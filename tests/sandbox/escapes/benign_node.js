// Benign JavaScript with the machine's node: the output is exact.
const squares = [1, 2, 3].map((n) => n * n);
console.log(`squares ${squares.join(",")}`);
