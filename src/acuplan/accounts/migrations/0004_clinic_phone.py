"""The clinic's phone number, printed on patient handouts."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_security"),
    ]

    operations = [
        migrations.AddField(
            model_name="clinic",
            name="phone",
            field=models.CharField(
                blank=True, help_text="Printed on patient handouts.", max_length=30
            ),
        ),
    ]
