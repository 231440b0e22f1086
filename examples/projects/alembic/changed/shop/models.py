"""The shop's tables as SQLAlchemy 2.x models, after the next release:
customers.name is renamed to full_name (migen.toml answers the rename), customers gets a phone,
products.sku becomes unique, orders.placed_at becomes NOT NULL with a default, orders.customer_id
references customers (indexed), and order_items is new."""
import datetime
from typing import Optional

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Customer(Base):
    __tablename__ = "customers"
    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(200), unique=True)
    phone: Mapped[Optional[str]] = mapped_column(String(40))
    created_at: Mapped[datetime.datetime] = mapped_column(
        server_default=text("CURRENT_TIMESTAMP")
    )


class Product(Base):
    __tablename__ = "products"
    id: Mapped[int] = mapped_column(primary_key=True)
    sku: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    price_cents: Mapped[int]
    description: Mapped[Optional[str]] = mapped_column(Text)


class Order(Base):
    __tablename__ = "orders"
    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), server_default="new")
    placed_at: Mapped[datetime.datetime] = mapped_column(
        server_default=text("CURRENT_TIMESTAMP")
    )


class OrderItem(Base):
    __tablename__ = "order_items"
    __table_args__ = (CheckConstraint("quantity > 0", name="order_items_quantity_positive"),)
    order_id: Mapped[int] = mapped_column(
        ForeignKey("orders.id", ondelete="CASCADE"), primary_key=True
    )
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), primary_key=True)
    quantity: Mapped[int] = mapped_column(server_default=text("1"))
    price_cents: Mapped[int]
