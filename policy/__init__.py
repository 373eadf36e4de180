"""The policy pack and the engines that read it."""
