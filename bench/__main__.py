"""`make bench`: runs every benchmark in this folder and prints its figures."""

import subprocess
import sys

from bench import pages

if __name__ == "__main__":
    pages.main()
    print(flush=True)
    # Its own process: it sets Django up with other settings, and starts and stops servers of its own.
    sys.exit(subprocess.call([sys.executable, "-m", "bench.fanout", *sys.argv[1:]]))  # noqa: S603
