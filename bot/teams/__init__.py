"""The Microsoft Teams edge: the Agents SDK host, Adaptive Card rendering and proactive sending."""
