"""Documents on PostgreSQL (the office's store): numbering under concurrency and the frozen-row trigger."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from hazdesk.documents import issue_document, reprint, verify_pdf
from hazdesk.store.database import open_database
from tests.core.test_documents_support import ISSUED_AT, make_inspection, ready_database

pytestmark = pytest.mark.postgres


def test_issue_freeze_and_verify_on_postgres(pg_url: str) -> None:
    db = open_database(pg_url)
    try:
        ready_database(db)
        inspection = make_inspection(db, enterprise_name="<b>华联</b>&化工")
        numbers: list[str] = []

        def work() -> None:
            for _ in range(4):
                numbers.append(issue_document(db, inspection, "责改", now=ISSUED_AT).number_text)

        threads = [threading.Thread(target=work) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(numbers) == sorted(f"（宁江）应急责改〔2026〕A{n}号" for n in range(1, 13))

        issued = issue_document(db, inspection, "检记", now=ISSUED_AT)
        assert reprint(db, issued.id).pdf == issued.pdf
        assert verify_pdf(db, issued.pdf).ok
        for statement in (
            "UPDATE document SET number_text = 'x'",
            "UPDATE document SET snapshot = '{}'::json",
            "DELETE FROM document",
        ):
            with pytest.raises(IntegrityError, match="issued document is frozen"), db.engine.begin() as connection:
                connection.execute(text(statement))
        with db.engine.begin() as connection:  # voiding is allowed
            connection.execute(text("UPDATE document SET state = 'voided', void_reason = '测试'"))
    finally:
        db.close()
