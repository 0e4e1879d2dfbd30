"""Cart input: product ids and quantities arrive as text and are checked here."""

from django import forms
from django.core.files.uploadedfile import UploadedFile

from shopsocial.images import CleanImage

from .cart import AUTOSHIP_WEEKS, MAX_LINE_QUANTITY, MAX_LINE_QUANTITY_MESSAGE
from .models import ProductImage
from .services import (
    product_image_clean,
    product_image_files_delete,
    product_image_renditions_store,
)

QUANTITY_ERRORS = {
    "required": "Please enter a quantity.",
    "invalid": "Please enter a whole number.",
    "min_value": "Please enter a quantity of at least %(limit_value)s.",
    "max_value": MAX_LINE_QUANTITY_MESSAGE,
}


class CartAddForm(forms.Form):
    """The product and quantity; which variant (`variant_id` or `option1`..`option3`) is
    resolved by `storefront.variants.variant_resolve` from the same data."""

    product_id = forms.IntegerField(min_value=1)
    quantity = forms.IntegerField(
        min_value=1, max_value=MAX_LINE_QUANTITY, initial=1, error_messages=QUANTITY_ERRORS
    )


AUTOSHIP_CHOICES = [("", "Once"), *((str(w), f"Every {w} weeks") for w in AUTOSHIP_WEEKS)]


class CartAutoshipForm(forms.Form):
    """Autoship per line: deliver once, or again every 4 / 8 / 12 weeks."""

    variant_id = forms.IntegerField(min_value=1)
    every_weeks = forms.TypedChoiceField(
        choices=AUTOSHIP_CHOICES, coerce=int, empty_value=0, required=False
    )


class CartUpdateForm(forms.Form):
    variant_id = forms.IntegerField(min_value=1)
    quantity = forms.IntegerField(
        min_value=0, max_value=MAX_LINE_QUANTITY, error_messages=QUANTITY_ERRORS
    )


class CartRemoveForm(forms.Form):
    variant_id = forms.IntegerField(min_value=1)


def first_error(form: forms.Form) -> str:
    for errors in form.errors.values():
        return str(errors[0])
    return "Please check your input."


# --- Admin: product images go through the one image helper -------------------------


class ProductImageForm(forms.ModelForm):
    class Meta:
        model = ProductImage
        fields = ["image", "alt_text", "variant", "position"]

    clean_upload: CleanImage | None = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # What a new upload replaces: its files are deleted once the change is committed.
        self._replaced = (self.instance.image.name, list(self.instance.renditions))

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if isinstance(image, UploadedFile):
            self.clean_upload = product_image_clean(image)
            return self.clean_upload.content
        return image

    def save(self, commit: bool = True) -> ProductImage:
        """Renditions are written once the image itself is stored (made at upload, once)."""
        image = super().save(commit=commit)
        clean = self.clean_upload
        if clean is None:
            return image
        old_name, old_renditions = self._replaced
        if old_name:
            product_image_files_delete(name=old_name, renditions=old_renditions)
        if commit:
            product_image_renditions_store(image=image, clean=clean)
        else:
            save_m2m = self.save_m2m

            def save_m2m_and_renditions() -> None:
                save_m2m()
                product_image_renditions_store(image=image, clean=clean)

            self.save_m2m = save_m2m_and_renditions
        return image
