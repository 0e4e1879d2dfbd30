"""Cart input: product ids and quantities arrive as text and are checked here."""

from django import forms
from django.core.files.uploadedfile import UploadedFile

from shopsocial.images import PRODUCT_RENDITION_WIDTHS, CleanImage, image_clean

from .cart import MAX_LINE_QUANTITY
from .models import ProductImage

QUANTITY_ERRORS = {
    "required": "Please enter a quantity.",
    "invalid": "Please enter a whole number.",
    "min_value": "Please enter a quantity of at least %(limit_value)s.",
    "max_value": f"You can order at most {MAX_LINE_QUANTITY} of one item.",
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


# --- Admin: product images go through the one image helper -------------------------
IMAGE_MAX_BYTES = 8 * 1024 * 1024
IMAGE_MAX_SIDE = 1600


def image_reencode(upload) -> CleanImage:
    """A clean JPEG (no metadata, upright, flattened, at most 1600 px a side) plus renditions."""
    return image_clean(
        upload,
        noun="image",
        max_bytes=IMAGE_MAX_BYTES,
        max_side=IMAGE_MAX_SIDE,
        rendition_widths=PRODUCT_RENDITION_WIDTHS,
    )


class ProductImageForm(forms.ModelForm):
    class Meta:
        model = ProductImage
        fields = ["image", "alt_text", "position"]

    clean_upload: CleanImage | None = None

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if isinstance(image, UploadedFile):
            self.clean_upload = image_reencode(image)
            return self.clean_upload.content
        return image
