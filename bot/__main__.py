"""`python -m bot`: the command line's composition root, over the workflows listed in workflows.py."""
import sys

import workflows
from bot.cli import main

if __name__ == "__main__":
    sys.exit(main(registry=workflows.registry()))
