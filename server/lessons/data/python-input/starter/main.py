# Ask for a name and an age, then print:
# Hello, <name>! Next year you will be <age + 1>.
