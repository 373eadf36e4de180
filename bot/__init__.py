"""The platform edge (Slack, Teams, the web routes, the scheduler, the command line)."""
__version__ = "0.3.0"   # the one version number: pyproject.toml reads it from here
