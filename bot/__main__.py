"""`python -m bot` and the `smpolicy` console script: the command line's composition root, over the workflows
listed in workflows.py."""
import sys

import workflows
from bot.cli import main as cli_main


def main() -> int:
    return cli_main(registry=workflows.registry())


if __name__ == "__main__":
    sys.exit(main())
