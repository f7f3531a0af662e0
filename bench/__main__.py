"""`make bench`: runs every benchmark in this folder and prints its figures."""

import subprocess
import sys

from bench import pages

if __name__ == "__main__":
    pages.main()
    print(flush=True)
    # Each in its own process: they set Django up with databases and settings of their own.
    subprocess.call([sys.executable, "-m", "bench.workshops"])  # noqa: S603
    print(flush=True)
    subprocess.call([sys.executable, "-m", "bench.start"])  # noqa: S603
    print(flush=True)
    subprocess.call([sys.executable, "-m", "bench.tori"])  # noqa: S603
    print(flush=True)
    subprocess.call([sys.executable, "-m", "bench.services"])  # noqa: S603
    print(flush=True)
    subprocess.call([sys.executable, "-m", "bench.digest"])  # noqa: S603
    print(flush=True)
    subprocess.call([sys.executable, "-m", "bench.newsletter"])  # noqa: S603
    print(flush=True)
    # bench.fanout also starts and stops servers of its own.
    sys.exit(subprocess.call([sys.executable, "-m", "bench.fanout", *sys.argv[1:]]))  # noqa: S603
