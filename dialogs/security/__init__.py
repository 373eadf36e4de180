"""Reporting a suspected information security breach to Information Management from a checker verdict (2.10)."""
