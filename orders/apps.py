from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = "Orders and fulfilment"

    def ready(self) -> None:
        # The offline gateway reports its events through a callback: the adapter
        # never imports the order domain; the domain hands it the webhook entry.
        from shopsocial.metrics import state_gauges_register

        from . import checks  # noqa: F401  (registers the payment system checks)
        from .gateways import offline
        from .selectors import order_count_gauges
        from .webhooks import offline_event_sink

        offline.event_sink_set(offline_event_sink)
        state_gauges_register(order_count_gauges)
