"""An append-only base for the audit log tables.

Rows are written in the same transaction as the change they record and are never edited or
deleted by the product: the model, its queryset and the admin all refuse.
"""

from typing import Any, NoReturn

from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """Raised when code tries to change or remove an audit row."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError(_("The log is append-only: an entry cannot be changed."))

    def delete(self) -> NoReturn:
        raise AppendOnlyError(_("The log is append-only: an entry cannot be deleted."))


class AppendOnlyModel(models.Model):
    # True for a log whose old rows the retention job (audit/retention.py) may archive and
    # delete; the database still refuses every other UPDATE and DELETE.
    archivable = False

    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError(_("The log is append-only: an entry cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError(_("The log is append-only: an entry cannot be deleted."))


# On PostgreSQL the database itself refuses to change or remove history rows, so not even a raw
# query or a future bug can rewrite the record. (TRUNCATE, used only by test set-up, is not a
# row change and still works.)
REFUSE_CHANGE_FUNCTION = """
CREATE OR REPLACE FUNCTION dondoc_refuse_history_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'history is append-only: % on % refused', TG_OP, TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
"""


# An archivable log's trigger lets a DELETE through only inside the retention job's own
# transaction, which names the table in a transaction-local setting (SET LOCAL
# dondoc.archiving = '<table>'); UPDATE is always refused, and so is DELETE anywhere else.
ARCHIVING_SETTING = "dondoc.archiving"
REFUSE_CHANGE_UNLESS_ARCHIVING_FUNCTION = f"""
CREATE OR REPLACE FUNCTION dondoc_refuse_history_change_unless_archiving() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE'
       AND coalesce(current_setting('{ARCHIVING_SETTING}', true), '') = TG_TABLE_NAME THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'history is append-only: % on % refused', TG_OP, TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
"""


def append_only_trigger_sql(table: str, archivable: bool = False) -> str:
    function = (
        "dondoc_refuse_history_change_unless_archiving"
        if archivable
        else "dondoc_refuse_history_change"
    )
    return (
        f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};"
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {function}();"
    )


def drop_append_only_trigger_sql(table: str) -> str:
    return f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};"
