"""Modal dialogs: an error, a yes/no question, a file name, the answers, the rules in play."""

from advisor.tui.dialogs.confirm import ConfirmModal
from advisor.tui.dialogs.error import ErrorModal, problems_text
from advisor.tui.dialogs.path import PathModal
from advisor.tui.dialogs.questions import QuestionListModal
from advisor.tui.dialogs.rules import RulesModal

__all__ = ["ConfirmModal", "ErrorModal", "PathModal", "QuestionListModal", "RulesModal",
           "problems_text"]
