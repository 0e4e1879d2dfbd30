"""Galleries in a real browser: staff upload pictures in the admin; a shopper browses them,
opens the lightbox, zooms, steps through with the keyboard, and sees a thumbnail in the cart."""

from __future__ import annotations

import io
import re

from PIL import Image
from playwright.sync_api import expect

from .conftest import screenshot
from .flows import admin_sign_in
from .helpers import serious_axe_violations

SKU = "KIT-002"
PRODUCT = "Olive Wood Spoon Set"


def jpeg(colour: tuple[int, int, int], size=(1400, 1000)) -> dict:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="JPEG")
    return {"name": "picture.jpg", "mimeType": "image/jpeg", "buffer": out.getvalue()}


def test_staff_add_pictures_and_a_shopper_browses_zooms_and_sees_the_cart_thumbnail(
    live_shop, new_context
):
    staff = new_context().new_page()
    admin_sign_in(live_shop, staff)
    staff.goto(live_shop.url("www", f"/admin/storefront/product/?q={SKU}"))
    staff.get_by_role("link", name=PRODUCT).first.click()
    staff.locator("input[name='images-0-position']").fill("9")  # the demo picture goes last
    staff.get_by_text("Add another Product image").click()
    for row, (colour, alt) in enumerate(
        [((40, 90, 160), "Spoons laid on linen"), ((170, 60, 30), "A spoon in a bowl")], start=1
    ):
        staff.locator(f"input[name='images-{row}-image']").set_input_files(jpeg(colour))
        staff.locator(f"input[name='images-{row}-alt_text']").fill(alt)
        staff.locator(f"input[name='images-{row}-position']").fill(str(row))
    staff.locator("input[name=_save]").click()
    expect(staff.locator(".messagelist")).to_contain_text("was changed successfully")

    for width in (1280, 390):
        context = new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        violations: list[str] = []
        page.on(
            "console",
            lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
        )
        page.goto(live_shop.url("demo", "/search/?q=spoon"))
        page.locator("main a[href^='/p/']").filter(has_text=PRODUCT).first.click()
        page.wait_for_url(re.compile(r"/p/[^/]+/$"))

        thumbs = page.locator("[data-gallery-thumb]")
        expect(thumbs).to_have_count(3)
        main = page.locator("[data-gallery-main]")
        expect(main.locator("img")).to_have_attribute("alt", "Spoons laid on linen")
        # The browser chose a WebP rendition from the srcset.
        expect(main.locator("img")).to_have_js_property("complete", True)
        assert re.search(r"-\d+w\.webp$", main.locator("img").evaluate("i => i.currentSrc"))

        thumbs.nth(1).click()
        expect(main.locator("img")).to_have_attribute("alt", "A spoon in a bowl")
        expect(thumbs.nth(1)).to_have_attribute("aria-current", "true")
        screenshot(page, f"demo-product-gallery-{width}")
        assert serious_axe_violations(page) == []

        main.click()
        dialog = page.locator("dialog.lightbox")
        expect(dialog).to_be_visible()
        expect(dialog.locator(".lightbox-caption")).to_have_text("A spoon in a bowl (2 of 3)")
        assert serious_axe_violations(page) == []
        page.keyboard.press("ArrowRight")
        expect(dialog.locator(".lightbox-caption")).to_contain_text("(3 of 3)")
        page.keyboard.press("ArrowRight")
        expect(dialog.locator(".lightbox-caption")).to_have_text("Spoons laid on linen (1 of 3)")
        zoom = dialog.locator(".lightbox-zoom")
        zoom.click()
        expect(zoom).to_have_attribute("aria-pressed", "true")
        expect(dialog).to_have_class(re.compile(r"\bis-zoomed\b"))
        screenshot(page, f"demo-product-lightbox-{width}")
        page.keyboard.press("Escape")
        expect(dialog).to_be_hidden()
        assert violations == []

    page.get_by_label("Quantity").fill("1")
    page.get_by_role("button", name="Add to cart").click()
    page.goto(live_shop.url("demo", "/cart/"))
    thumb = page.locator(".cart-table .thumb img").first
    expect(thumb).to_have_attribute("src", re.compile(r"-160w\.jpg$"))
    # Loaded, not broken: a missing file ends `complete` with naturalWidth 0 and times out.
    page.wait_for_function("i => i.complete && i.naturalWidth > 0", arg=thumb.element_handle())
    screenshot(page, "demo-cart-thumbnails-390")
