"""Loopback stand-ins for Slack, the Teams Bot Connector and SMTP, and a driver for the real server."""
