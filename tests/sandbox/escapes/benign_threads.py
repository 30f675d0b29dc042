"""Benign: four threads each compute a sum; the output is exact."""

import threading

results: dict[int, int] = {}


def work(number: int) -> None:
    results[number] = sum(range(number * 1000))


threads = [threading.Thread(target=work, args=(n,)) for n in range(1, 5)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
for number in sorted(results):
    print(number, results[number])
