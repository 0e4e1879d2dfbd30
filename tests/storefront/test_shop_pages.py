"""Shipping, Returns and Terms pages: seeded, edited by staff in the admin, on every host."""

import pytest

from storefront.pages.blocks import body_blocks
from storefront.pages.models import ShopPage
from tests.conftest import ALICE_HOST, COMPANY_HOST

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("host", [ALICE_HOST, COMPANY_HOST])
@pytest.mark.parametrize(
    ("slug", "title"),
    [("shipping", "Shipping"), ("returns", "Returns"), ("terms", "Terms of sale")],
)
def test_seeded_pages_show_on_every_host_and_are_linked_from_the_footer(
    client, alice, company, host, slug, title
):
    response = client.get(f"/help/{slug}/", HTTP_HOST=host)
    assert response.status_code == 200
    assert f"<h1>{title}</h1>" in response.text
    assert f'<li><a href="/help/{slug}/">{title}</a></li>' in response.text
    assert "Privacy Policy" in response.text
    assert not response.cookies


def test_unknown_page_is_a_branded_404(client, alice):
    response = client.get("/help/nope/", HTTP_HOST=ALICE_HOST)
    assert response.status_code == 404
    assert "We couldn't find that page" in response.text
    assert "Alice&#x27;s Attic" in response.text  # the storefront's own header


def test_staff_edit_shows_at_once_and_markup_is_never_trusted(client, admin_client, alice):
    page = ShopPage.objects.get(slug="returns")
    response = admin_client.post(
        f"/admin/storefront_pages/shoppage/{page.pk}/change/",
        {
            "title": "Returns",
            "summary": "",
            "body": "## Easy returns\n- 60 days\n- free label\n\n<script>x</script> done",
        },
        HTTP_HOST=COMPANY_HOST,
    )
    assert response.status_code == 302, response.content[:2000]
    html = client.get("/help/returns/", HTTP_HOST=ALICE_HOST).text
    assert "<h2>Easy returns</h2>" in html
    assert "<ul><li>60 days</li><li>free label</li></ul>" in html
    assert "&lt;script&gt;x&lt;/script&gt; done" in html
    assert ShopPage.objects.get(slug="returns").slug == "returns"  # slug is read-only


def test_body_blocks():
    blocks = body_blocks("Intro line\nsame paragraph\n\n## Head\n- a\n- b\nafter")
    assert [(b.kind, b.text, b.items) for b in blocks] == [
        ("p", "Intro line same paragraph", []),
        ("h2", "Head", []),
        ("ul", "", ["a", "b"]),
        ("p", "after", []),
    ]
