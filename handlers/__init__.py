"""Platform-neutral entry points: one module per command family (see registry.py)."""
