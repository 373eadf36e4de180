"""Errors a workflow raises to tell the person what went wrong; the dispatcher shows the message, changes nothing."""


class WorkflowError(Exception):
    """Anything the person can act on. The message is shown as it is: plain British English, say what to do."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotAllowed(WorkflowError):
    """The person is not one the organisation file names for this (an approver, the Communications Team...)."""


class NotFound(WorkflowError):
    pass


def found(row, what: str):
    """The row looked up, or NotFound naming `what` ("that request") when it has gone."""
    if row is None:
        raise NotFound(f"I can't find {what} any more.")
    return row


class BadInput(WorkflowError):
    pass
