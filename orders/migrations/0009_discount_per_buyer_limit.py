"""A limit per buyer on discount codes (issue 19, 11).

New codes get 1 (one order per buyer) unless staff choose otherwise. The
codes that exist keep no per-buyer limit: the field is added empty, then
given its default. Their terms were announced without such a limit (a
"10 % on your orders this month" code), and buyers may already hold them in
their carts; changing what a published code means is staff's decision, in
the admin, not a migration's."""

import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0008_verbose_names"),
    ]

    operations = [
        # Added empty: the codes that exist keep no limit per buyer.
        migrations.AddField(
            model_name="discountcode",
            name="per_buyer_limit",
            field=models.PositiveIntegerField(
                blank=True,
                null=True,
                validators=[django.core.validators.MinValueValidator(1)],
                verbose_name="limit per buyer",
            ),
        ),
        # Then the default of new codes.
        migrations.AlterField(
            model_name="discountcode",
            name="per_buyer_limit",
            field=models.PositiveIntegerField(
                blank=True,
                default=1,
                help_text=(
                    "How many orders one buyer may place with this code; empty "
                    "for no limit. An order cancelled or refused as a whole (or "
                    "whose payment failed) gives its use back."
                ),
                null=True,
                validators=[django.core.validators.MinValueValidator(1)],
                verbose_name="limit per buyer",
            ),
        ),
        migrations.AddConstraint(
            model_name="discountcode",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("per_buyer_limit__isnull", True),
                    ("per_buyer_limit__gte", 1),
                    _connector="OR",
                ),
                name="discount_per_buyer_limit_positive",
            ),
        ),
    ]
