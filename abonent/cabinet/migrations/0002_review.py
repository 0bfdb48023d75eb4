import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cabinet", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="reading",
            name="review_note",
            field=models.CharField(blank=True, max_length=500, verbose_name="review note"),
        ),
        migrations.AddField(
            model_name="reading",
            name="reviewed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="reviewed"),
        ),
        migrations.AddField(
            model_name="reading",
            name="reviewed_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="reviewed by",
            ),
        ),
        migrations.AlterField(
            model_name="reading",
            name="status",
            field=models.CharField(
                choices=[
                    ("accepted", "Accepted"),
                    ("needs_review", "Needs review"),
                    ("next_period", "Counted for the next period"),
                    ("rejected", "Rejected on review"),
                ],
                max_length=16,
                verbose_name="status",
            ),
        ),
    ]
