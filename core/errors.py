"""The one kind of error that actions raise when they refuse something.

Business rules live in actions (`<app>/actions.py`): `check_*` validates and raises, `do_*` changes and
emits its events after the commit. A refusal is an `ActionError` with a `code` for programs (an `error`
frame's code, a test's assertion) and a `message` for people, in the language in use. Views and consumers
only translate it: into a form error, a message on the page, or an `error` frame. A refused action has
changed nothing.

    class TaskClosed(ActionError):
        code = "task_closed"
        message = _("Palautusaika on päättynyt.")

    raise TaskClosed()                       # the class's own message
    raise ActionError("invalid", _("…"))     # or code and message given where it is raised
"""

from django.utils.functional import Promise


class ActionError(Exception):
    code: str = "refused"
    message: str | Promise = ""

    def __init__(self, code: str | None = None, message: str | Promise | None = None) -> None:
        super().__init__(message if message is not None else self.message)
        if code is not None:
            self.code = code
        if message is not None:
            self.message = message

    def __str__(self) -> str:
        return str(self.message)
