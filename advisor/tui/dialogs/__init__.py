"""Modal dialogs: an error, a yes/no question, a file name."""

from advisor.tui.dialogs.confirm import ConfirmModal
from advisor.tui.dialogs.error import ErrorModal
from advisor.tui.dialogs.path import PathModal

__all__ = ["ConfirmModal", "ErrorModal", "PathModal"]
