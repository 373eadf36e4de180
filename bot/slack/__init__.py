"""The Slack edge: the Bolt app, Block Kit rendering and the Web API sender."""
