"""Modal dialogs: an error, a yes/no question, a file name, the answers, the rules in play, a
project scan running, and the evidence behind a proposed answer."""

from advisor.tui.dialogs.confirm import ConfirmModal
from advisor.tui.dialogs.error import ErrorModal, problems_text
from advisor.tui.dialogs.evidence import EvidenceModal
from advisor.tui.dialogs.path import PathModal
from advisor.tui.dialogs.questions import QuestionListModal
from advisor.tui.dialogs.rules import RulesModal
from advisor.tui.dialogs.scanning import ScanModal

__all__ = ["ConfirmModal", "ErrorModal", "EvidenceModal", "PathModal", "QuestionListModal",
           "RulesModal", "ScanModal", "problems_text"]
