"""The workflows: state machines with their rules, no platform code, storage through repositories."""
