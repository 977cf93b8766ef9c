"""The documents' fixed words come from the translation catalogue, in Vietnamese whatever the
screen's language, and word each state as the Vietnamese screens do (issue 10)."""

from django.utils import translation

from exports.pdf import labels
from tasks.models import AssignmentState


@labels.in_vietnamese
def _printed() -> tuple[dict[str, str], dict[str, str], str]:
    return labels.ASSIGNMENT_STATES, labels.TIMELINESS, labels.COL_TASK


def test_documents_word_every_state_as_the_vietnamese_screens_do():
    assert translation.get_language() == "en"  # the tests' screens are in English
    states, timeliness, header = _printed()
    with translation.override("vi"):
        assert states == {state.value: str(state.label) for state in AssignmentState}
    assert states["returned"] == "Bị trả lại"  # the old second copy said "Trả lại, bổ sung"
    assert timeliness["open_overdue"] == "Đang thực hiện quá hạn"
    assert header == "Nội dung nhiệm vụ"
    assert labels.COL_TASK == "What is asked"  # outside a document, the active language
