from django.db import models

STATUSES = [("new", "New"), ("paid", "Paid"), ("shipped", "Shipped")]


class Product(models.Model):
    sku = models.CharField(max_length=32)
    title = models.CharField(max_length=200)
    price_cents = models.IntegerField()
    description = models.TextField(null=True, blank=True)


class Order(models.Model):
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE)
    status = models.CharField(max_length=10, choices=STATUSES, default="new")
    placed_at = models.DateTimeField(null=True)
