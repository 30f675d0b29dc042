function fizzbuzz(n) {
  // Return "Fizz", "Buzz", "FizzBuzz" or the number as a string.
  if (n % 15 === 0) return "FizzBuzz";
  if (n % 3 === 0) return "Fizz";
  if (n % 5 === 0) return "Buzz";
  return String(n);
}

// Export fizzbuzz, so that the check's test can require it.
module.exports = { fizzbuzz };

if (require.main === module) {
  for (let n = 1; n <= 15; n++) console.log(fizzbuzz(n));
}
