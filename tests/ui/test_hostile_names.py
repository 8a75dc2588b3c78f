"""User text shown in rich-text labels is escaped: a name like <b>华联</b>&化工 appears as typed."""

from __future__ import annotations

from hazdesk.services.enterprises import EnterpriseInput, create_enterprise
from hazdesk.services.findings import FindingInput, add_finding
from tests.ui.conftest import TODAY
from ui.dialogs.finding import FindingDialog

HOSTILE = "<b>华联</b>&化工<i>𠮷</i>"


def test_finding_dialog_shows_a_hostile_enterprise_name_literally(qtbot, ctx) -> None:
    enterprise_id, _ = create_enterprise(
        ctx.db, EnterpriseInput(uscc="91350100M000100Y43", name=HOSTILE, district_code="320115")
    )
    finding_id, _ = add_finding(
        ctx.db,
        enterprise_id=enterprise_id,
        data=FindingInput(description="<script>x</script>"),
        deadline=7,
        today=TODAY,
    )
    dialog = FindingDialog(ctx, finding_id)
    qtbot.addWidget(dialog)
    assert "&lt;b&gt;华联&lt;/b&gt;&amp;化工&lt;i&gt;𠮷&lt;/i&gt;" in dialog.heading.text()
    assert dialog.windowTitle().endswith(HOSTILE)
    assert not dialog.documents_button.isEnabled()  # recorded outside an inspection: no documents
    new = FindingDialog(ctx, None, enterprise_id=enterprise_id)
    qtbot.addWidget(new)
    assert "&lt;b&gt;华联" in new.heading.text() and new.windowTitle().endswith(HOSTILE)
