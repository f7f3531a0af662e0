"""`make bench`: runs every benchmark in this folder and prints its figures."""

from bench import pages

if __name__ == "__main__":
    pages.main()
