"""Cart input: product ids and quantities arrive as text and are checked here."""

import io
import uuid

from django import forms
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from PIL import Image, ImageOps

from .cart import MAX_LINE_QUANTITY, MAX_LINE_QUANTITY_MESSAGE
from .models import ProductImage

QUANTITY_ERRORS = {
    "required": "Please enter a quantity.",
    "invalid": "Please enter a whole number.",
    "min_value": "Please enter a quantity of at least %(limit_value)s.",
    "max_value": MAX_LINE_QUANTITY_MESSAGE,
}


class CartAddForm(forms.Form):
    product_id = forms.IntegerField(min_value=1)
    quantity = forms.IntegerField(
        min_value=1, max_value=MAX_LINE_QUANTITY, initial=1, error_messages=QUANTITY_ERRORS
    )


class CartUpdateForm(forms.Form):
    product_id = forms.IntegerField(min_value=1)
    quantity = forms.IntegerField(
        min_value=0, max_value=MAX_LINE_QUANTITY, error_messages=QUANTITY_ERRORS
    )


class CartRemoveForm(forms.Form):
    product_id = forms.IntegerField(min_value=1)


def first_error(form: forms.Form) -> str:
    for errors in form.errors.values():
        return str(errors[0])
    return "Please check your input."


# --- Admin: product images are checked and re-encoded -----------------------------
IMAGE_MAX_BYTES = 8 * 1024 * 1024
IMAGE_MAX_PIXELS = 40_000_000
IMAGE_MAX_SIDE = 1600
IMAGE_INVALID = "Upload a JPEG, PNG, GIF or WebP image."


def image_reencode(upload) -> ContentFile:
    """A clean JPEG from an uploaded image: no metadata (EXIF, GPS), at most 1600 px a side."""
    if upload.size > IMAGE_MAX_BYTES:
        raise forms.ValidationError("Images may be at most 8 MB.")
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            if probe.format not in {"JPEG", "PNG", "GIF", "WEBP"}:
                raise forms.ValidationError(IMAGE_INVALID)
            if probe.width * probe.height > IMAGE_MAX_PIXELS:
                raise forms.ValidationError("Images may be at most 40 megapixels.")
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as original:
            image = ImageOps.exif_transpose(original)
            if image.mode in ("RGBA", "LA", "P"):
                image = image.convert("RGBA")
                background = Image.new("RGB", image.size, "#ffffff")
                background.paste(image, mask=image.getchannel("A"))
                image = background
            else:
                image = image.convert("RGB")
            image.thumbnail((IMAGE_MAX_SIDE, IMAGE_MAX_SIDE))
            buffer = io.BytesIO()
            image.save(buffer, format="JPEG", quality=85, optimize=True)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise forms.ValidationError(IMAGE_INVALID) from error
    return ContentFile(buffer.getvalue(), name=f"{uuid.uuid4().hex}.jpg")


class ProductImageForm(forms.ModelForm):
    class Meta:
        model = ProductImage
        fields = ["image", "alt_text", "position"]

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if isinstance(image, UploadedFile):
            return image_reencode(image)
        return image
