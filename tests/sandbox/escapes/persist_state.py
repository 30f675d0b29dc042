"""State persisting into the next run: leave marks in every writable place, look for old ones.

Contained when each run starts fresh: the test runs this twice and the second run finds no
mark of the first (workspace and /tmp are per-run tmpfs, nothing else is writable).
"""

import os

places = ["/workspace/.mark", "/tmp/.mark", os.path.expanduser("~/.mark"), "/dev/shm/.mark"]
found = [place for place in places if os.path.exists(place)]
print("ESCAPED: found " + ", ".join(found) if found else "fresh")
for place in places:
    try:
        with open(place, "w") as mark:
            mark.write("was here")
    except OSError:
        pass
