"""Chain the audit log: every event stores its hash and the previous event's hash.

Events recorded before this migration are chained here, in id order, so that
``acuplan audit verify`` can check the whole log. ``at`` stops being auto_now_add: the
time is part of the hash, so the code sets it before hashing."""

from django.db import migrations, models


def chain_existing(apps, schema_editor):
    from acuplan.audit.chain import GENESIS, digest, event_fields

    AuditEvent = apps.get_model("audit", "AuditEvent")
    prev = GENESIS
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        event.prev_hash = prev
        event.hash = digest(event_fields(event))
        AuditEvent.objects.filter(pk=event.pk).update(prev_hash=event.prev_hash, hash=event.hash)
        prev = event.hash


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="at",
            field=models.DateTimeField(db_index=True),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="prev_hash",
            field=models.CharField(default="", max_length=64),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(default="", max_length=64),
        ),
        migrations.RunPython(chain_existing, migrations.RunPython.noop),
    ]
