"""Uploads the way staff and retailers make them: image files, the product admin's picture
inline, a breach incident with its address list."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from storefront.forms import ProductImageForm
from storefront.models import Product, ProductImage
from tests.conftest import COMPANY_HOST


def image_upload(
    fmt: str = "JPEG", size=(1200, 900), colour=(180, 90, 40), mode: str = "RGB"
) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new(mode, size, colour).save(out, format=fmt)
    extension = {"JPEG": "jpg"}.get(fmt, fmt.lower())
    return SimpleUploadedFile(f"upload.{extension}", out.getvalue(), f"image/{extension}")


def product_image_form_save(product: Product, upload, alt_text: str = "A picture") -> ProductImage:
    """Through the admin inline's form, outside the admin."""
    form = ProductImageForm(
        data={"alt_text": alt_text, "position": 0},
        files={"image": upload},
        instance=ProductImage(product=product),
    )
    assert form.is_valid(), form.errors
    return form.save()


def product_admin_change(client, product: Product, rows: list[dict], *, existing: int = 0):
    """POST the product's admin change page with picture rows (`existing` already saved)."""
    data = {
        "sku": product.sku,
        "name": product.name,
        "slug": product.slug,
        "description": "",
        "category": product.category_id,
        "currency": "USD",
        "tax_category": "taxable",
        "active": "on",
        **variant_rows(product),
        "images-TOTAL_FORMS": str(len(rows)),
        "images-INITIAL_FORMS": str(existing),
        "images-MIN_NUM_FORMS": "0",
        "images-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }
    for i, row in enumerate(rows):
        data |= {f"images-{i}-{key}": value for key, value in row.items()}
    return client.post(
        f"/admin/storefront/product/{product.pk}/change/", data, HTTP_HOST=COMPANY_HOST
    )


def variant_rows(product: Product) -> dict:
    """The product admin's variant inline, posted back unchanged."""
    variants = list(product.variants.order_by("position", "pk"))
    data = {
        "variants-TOTAL_FORMS": str(len(variants)),
        "variants-INITIAL_FORMS": str(len(variants)),
        "variants-MIN_NUM_FORMS": "1",
        "variants-MAX_NUM_FORMS": "1000",
    }
    for i, v in enumerate(variants):
        data |= {
            f"variants-{i}-id": str(v.pk),
            f"variants-{i}-product": str(product.pk),
            f"variants-{i}-sku": v.sku,
            f"variants-{i}-option1": v.option1,
            f"variants-{i}-option2": v.option2,
            f"variants-{i}-option3": v.option3,
            f"variants-{i}-price": str(v.price),
            f"variants-{i}-stock": str(v.stock),
            f"variants-{i}-position": str(v.position),
        } | ({f"variants-{i}-active": "on"} if v.active else {})
    return data


def breach_incident_admin_add(client, **fields):
    """POST the admin's "add breach incident" form (scope: an uploaded list by default)."""
    data = {
        "title": "Test incident",
        "discovered_at_0": "2026-11-23",
        "discovered_at_1": "09:00:00",
        "description": "Something happened.",
        "data_involved": "Email addresses.",
        "scope": "email_list",
        "law_enforcement_note": "",
        **fields,
    }
    return client.post("/admin/privacy/breachincident/add/", data, HTTP_HOST=COMPANY_HOST)
