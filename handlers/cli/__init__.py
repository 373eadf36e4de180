"""The workflows' `python -m bot <name>` subcommands; each workflow declares its own in its Workflow (`cli=`)."""
