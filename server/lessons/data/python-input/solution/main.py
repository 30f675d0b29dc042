# Ask for a name and an age, then print:
# Hello, <name>! Next year you will be <age + 1>.
name = input("What is your name? ")
age = int(input("How old are you? "))
print(f"Hello, {name}! Next year you will be {age + 1}.")
