from django.db import models

STATUSES = [("new", "New"), ("paid", "Paid"), ("shipped", "Shipped"), ("cancelled", "Cancelled")]


class Product(models.Model):
    sku = models.CharField(max_length=32, unique=True)
    title = models.CharField(max_length=200)
    price_cents = models.BigIntegerField()
    description = models.TextField(null=True, blank=True)


class Order(models.Model):
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT)
    status = models.CharField(max_length=10, choices=STATUSES, default="new", db_index=True)
    placed_at = models.DateTimeField(null=True)

    class Meta:
        indexes = [models.Index(fields=["customer", "-placed_at"], name="orders_customer_recent")]
