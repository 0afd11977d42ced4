"""The bundle's entry point: the same ``facilitator`` command as a pip install gives."""

import sys

from facilitator.cli import main

if __name__ == "__main__":
    sys.exit(main())
