from .models import ShopPage


def shop_page_get(*, slug: str) -> ShopPage | None:
    return ShopPage.objects.filter(slug=slug).first()
