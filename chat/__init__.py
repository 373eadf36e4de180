"""The neutral core every workflow and both platforms share: the message and form model, invocations and
replies, the command registry, dispatch, Services, the notifier and directory behind the platform ports.

It imports only policy/ and storage/; bot/ (the platform edge) and the workflows build on it."""
