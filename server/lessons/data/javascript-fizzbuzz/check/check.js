// The lesson's test: requires the learner's main.js and tries fizzbuzz (TAP-like lines).
const results = [];

function test(name, body) {
  try {
    body();
    results.push(true);
    console.log(`ok ${results.length} - ${name}`);
  } catch (error) {
    results.push(false);
    console.log(`not ok ${results.length} - ${name}: ${error.message}`);
  }
}

function expectEqual(actual, expected, what) {
  if (actual !== expected) {
    throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}

const learner = require("./main.js");

test("fizzbuzz is exported", () => {
  expectEqual(typeof learner.fizzbuzz, "function", "typeof fizzbuzz");
});

test("1 to 15", () => {
  const expected = ["1", "2", "Fizz", "4", "Buzz", "Fizz", "7", "8", "Fizz", "Buzz", "11",
    "Fizz", "13", "14", "FizzBuzz"];
  expected.forEach((want, i) => expectEqual(learner.fizzbuzz(i + 1), want, `fizzbuzz(${i + 1})`));
});

test("larger numbers", () => {
  expectEqual(learner.fizzbuzz(99), "Fizz", "fizzbuzz(99)");
  expectEqual(learner.fizzbuzz(100), "Buzz", "fizzbuzz(100)");
  expectEqual(learner.fizzbuzz(300), "FizzBuzz", "fizzbuzz(300)");
  expectEqual(learner.fizzbuzz(301), "301", "fizzbuzz(301)");
});

const passed = results.filter(Boolean).length;
console.log(`${passed} passed, ${results.length - passed} failed`);
