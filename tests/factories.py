"""Test data: the one place that knows how to build catalog rows, orders and users.

factory_boy factories over the real models. Conftest fixtures (`make_product`,
`make_order`, `candle`, ...) are thin wrappers around these; new tests may use either.

    product = ProductFactory(price=Decimal("19.99"), stock=3)
    order = OrderFactory(retailer=alice, email="sam@example.com", lines=[(product, 2)])
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone
from factory.django import DjangoModelFactory

from orders.models import Order, OrderLine
from orders.services import CustomerDetails
from privacy.models import BreachIncident
from retailers.models import Retailer
from storefront.models import Category, Product, ProductImage, ProductVariant

PASSWORD = "a-long-test-password"


def _backdate(obj, *, days: int) -> None:
    """Set an auto_now_add `created_at` `days` in the past (in the row and the object)."""
    created_at = timezone.now() - timedelta(days=days)
    type(obj).objects.filter(pk=obj.pk).update(created_at=created_at)
    obj.created_at = created_at


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    password = PASSWORD

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return model_class.objects.create_user(*args, **kwargs)  # hashes the password


class CategoryFactory(DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))
    position = 0


class ProductFactory(DjangoModelFactory):
    """An active product in stock; `image=True` adds one image row (no file needed)."""

    class Meta:
        model = Product
        skip_postgeneration_save = True

    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    name = factory.LazyAttribute(lambda o: f"Product {o.sku}")
    slug = factory.LazyAttribute(lambda o: o.sku.lower())
    description = ""
    category = factory.SubFactory(CategoryFactory, name="Candles")
    price = Decimal("10.00")
    stock = 10
    active = True

    @factory.post_generation
    def variant(obj, create, extracted, **kwargs):
        """Every product sells through a variant: the default one (same SKU, price, stock),
        as migration storefront 0008 made for existing products. `variant=False` skips it."""
        if create and extracted is not False:
            ProductVariant.objects.create(
                product=obj, sku=obj.sku, price=obj.price, stock=obj.stock
            )

    @factory.post_generation
    def image(obj, create, extracted, **kwargs):
        if create and extracted:
            ProductImageFactory(product=obj)

    @factory.post_generation
    def age_days(obj, create, extracted, **kwargs):
        if create and extracted:
            _backdate(obj, days=extracted)


class ProductImageFactory(DjangoModelFactory):
    class Meta:
        model = ProductImage

    product = factory.SubFactory(ProductFactory)
    image = factory.LazyAttribute(lambda o: f"products/{o.product.sku}.jpg")
    alt_text = factory.LazyAttribute(lambda o: f"Photo of {o.product.name}")


def _session_retailer() -> Retailer:
    return Retailer.objects.get(slug="alice")  # created once per test session (tests/conftest)


class CustomerDetailsFactory(factory.Factory):
    """What the checkout form hands to order_place (no row of its own)."""

    class Meta:
        model = CustomerDetails

    email = "shopper@example.com"
    full_name = "Sam Shopper"
    ship_line1 = "1 Main St"
    ship_city = "Austin"
    ship_state = "TX"
    ship_postal_code = "78701"


class OrderFactory(CustomerDetailsFactory, DjangoModelFactory):
    """A shipped order of $40.00 + $7.95 shipping; `lines=[(product, quantity), ...]`
    adds lines (the amounts are not recomputed), `age_days=N` back-dates it."""

    class Meta:
        model = Order
        skip_postgeneration_save = True

    number = factory.Sequence(lambda n: f"SS-T{n:06d}")
    retailer = factory.LazyFunction(_session_retailer)
    status = Order.Status.SHIPPED
    # email, name and shipping address: CustomerDetailsFactory's
    subtotal = Decimal("40.00")
    shipping = Decimal("7.95")
    total = factory.LazyAttribute(lambda o: o.subtotal + o.shipping)

    @factory.post_generation
    def lines(obj, create, extracted, **kwargs):
        for product, quantity in extracted or ():
            OrderLineFactory(order=obj, product=product, quantity=quantity)

    @factory.post_generation
    def age_days(obj, create, extracted, **kwargs):
        if create and extracted is not None:
            _backdate(obj, days=extracted)


class OrderLineFactory(DjangoModelFactory):
    class Meta:
        model = OrderLine

    order = factory.SubFactory(OrderFactory)
    product = factory.SubFactory(ProductFactory)
    sku = factory.LazyAttribute(lambda o: o.product.sku)
    name = factory.LazyAttribute(lambda o: o.product.name)
    unit_price = factory.LazyAttribute(lambda o: o.product.price)
    quantity = 1


class BreachIncidentFactory(DjangoModelFactory):
    """A breach incident as staff record it (no notices sent: that is the service's)."""

    class Meta:
        model = BreachIncident

    title = factory.Sequence(lambda n: f"Incident {n}")
    discovered_at = factory.LazyFunction(timezone.now)
    description = "What happened."
    data_involved = "Email addresses."
    scope = BreachIncident.Scope.ALL_RETAILERS
