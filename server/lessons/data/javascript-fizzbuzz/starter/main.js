function fizzbuzz(n) {
  // Return "Fizz", "Buzz", "FizzBuzz" or the number as a string.
}

// Export fizzbuzz, so that the check's test can require it.

if (require.main === module) {
  for (let n = 1; n <= 15; n++) console.log(fizzbuzz(n));
}
