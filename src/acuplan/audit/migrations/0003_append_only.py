"""The database refuses UPDATE and DELETE on the audit table (and TRUNCATE on PostgreSQL).

SQLite: BEFORE UPDATE / BEFORE DELETE triggers that RAISE(ABORT). They fire only while
``acuplan_audit_sealed()`` is true; acuplan registers that function on every connection
(``acuplan.audit.seal``) and it is false only inside ``seal.unsealed()``, which the test
suite uses to empty the database between transactional tests. A connection without the
function (the sqlite3 shell, another program) fails on the unknown function: still refused.

PostgreSQL: one trigger function raising an exception, fired BEFORE UPDATE OR DELETE
(each row) and BEFORE TRUNCATE. Django's test flush on PostgreSQL truncates; the suite
runs ``SET acuplan.audit_unsealed = 'on'`` for that, through the same ``seal.unsealed()``.

Warning for later migrations: on SQLite, altering this table's columns rebuilds the table
and drops these triggers; such a migration must run ``create_triggers`` again.
"""

from django.db import migrations

SQLITE_CREATE = [
    """CREATE TRIGGER audit_auditevent_no_update BEFORE UPDATE ON audit_auditevent
    WHEN acuplan_audit_sealed()
    BEGIN SELECT RAISE(ABORT, 'audit events are append-only: UPDATE refused'); END""",
    """CREATE TRIGGER audit_auditevent_no_delete BEFORE DELETE ON audit_auditevent
    WHEN acuplan_audit_sealed()
    BEGIN SELECT RAISE(ABORT, 'audit events are append-only: DELETE refused'); END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS audit_auditevent_no_update",
    "DROP TRIGGER IF EXISTS audit_auditevent_no_delete",
]
POSTGRESQL_CREATE = [
    """CREATE OR REPLACE FUNCTION acuplan_audit_refuse() RETURNS trigger AS $$
    BEGIN
        IF current_setting('acuplan.audit_unsealed', true) = 'on' THEN
            RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
        END IF;
        RAISE EXCEPTION 'audit events are append-only: % refused', TG_OP;
    END
    $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER audit_auditevent_append_only BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION acuplan_audit_refuse()""",
    """CREATE TRIGGER audit_auditevent_no_truncate BEFORE TRUNCATE ON audit_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION acuplan_audit_refuse()""",
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS audit_auditevent_no_truncate ON audit_auditevent",
    "DROP TRIGGER IF EXISTS audit_auditevent_append_only ON audit_auditevent",
    "DROP FUNCTION IF EXISTS acuplan_audit_refuse()",
]


def _run(schema_editor, statements):
    for sql in statements:
        schema_editor.execute(sql, None)  # None: no placeholders (plpgsql uses %)


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _run(schema_editor, SQLITE_CREATE)
    elif vendor == "postgresql":
        _run(schema_editor, POSTGRESQL_CREATE)
    else:
        raise RuntimeError(f"no append-only triggers for the {vendor} database")


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    _run(schema_editor, SQLITE_DROP if vendor == "sqlite" else POSTGRESQL_DROP)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_chain")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
