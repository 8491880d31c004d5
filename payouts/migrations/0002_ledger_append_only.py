"""On PostgreSQL the database itself keeps the ledger honest: its rows are
never updated nor deleted, and each transaction's entries sum to zero when
the database transaction commits (a deferred constraint trigger). SQLite,
the development database, relies on the models (``AppendOnly``)."""

from django.db import migrations

FORBID = """
CREATE OR REPLACE FUNCTION payouts_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the ledger is append-only: % on % refused', TG_OP, TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER payouts_ledgerentry_append_only
    BEFORE UPDATE OR DELETE ON payouts_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION payouts_append_only();
CREATE TRIGGER payouts_ledgertransaction_append_only
    BEFORE UPDATE OR DELETE ON payouts_ledgertransaction
    FOR EACH ROW EXECUTE FUNCTION payouts_append_only();
CREATE TRIGGER payouts_payoutholdevent_append_only
    BEFORE UPDATE OR DELETE ON payouts_payoutholdevent
    FOR EACH ROW EXECUTE FUNCTION payouts_append_only();

CREATE OR REPLACE FUNCTION payouts_transaction_balanced() RETURNS trigger AS $$
DECLARE
    total numeric;
BEGIN
    SELECT COALESCE(SUM(amount), 0) INTO total
        FROM payouts_ledgerentry WHERE transaction_id = NEW.transaction_id;
    IF total <> 0 THEN
        RAISE EXCEPTION 'ledger transaction % does not sum to zero (%)',
            NEW.transaction_id, total;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER payouts_ledgerentry_balanced
    AFTER INSERT ON payouts_ledgerentry
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION payouts_transaction_balanced();
"""

ALLOW = """
DROP TRIGGER IF EXISTS payouts_ledgerentry_balanced ON payouts_ledgerentry;
DROP FUNCTION IF EXISTS payouts_transaction_balanced();
DROP TRIGGER IF EXISTS payouts_payoutholdevent_append_only ON payouts_payoutholdevent;
DROP TRIGGER IF EXISTS payouts_ledgertransaction_append_only ON payouts_ledgertransaction;
DROP TRIGGER IF EXISTS payouts_ledgerentry_append_only ON payouts_ledgerentry;
DROP FUNCTION IF EXISTS payouts_append_only();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORBID, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ALLOW, params=None)


class Migration(migrations.Migration):
    dependencies = [("payouts", "0001_initial")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
