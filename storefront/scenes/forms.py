"""Back-office forms for scenes and share links."""

from __future__ import annotations

from django import forms

from storefront.models import Product

from .models import Scene, ShareLink
from .services import SCENE_FIELDS


class SceneForm(forms.ModelForm):
    class Meta:
        model = Scene
        fields = SCENE_FIELDS
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}),
            "closes_on": forms.DateInput(attrs={"type": "date"}),
            "delivery": forms.RadioSelect,
        }
        help_texts = {
            "host_email": "We email the host their page link and, when the scene closes, their reward.",
            "host_line1": "Needed only when everything ships to the host. Guests never see it.",
        }


class ShareLinkForm(forms.Form):
    target = forms.ChoiceField(choices=ShareLink.Target.choices, widget=forms.RadioSelect)
    product = forms.ModelChoiceField(
        queryset=Product.objects.filter(active=True).order_by("name"), required=False
    )
    scene = forms.ModelChoiceField(queryset=Scene.objects.none(), required=False)
    label = forms.CharField(
        max_length=80, required=False, help_text="For you, e.g. “Instagram bio”."
    )

    def __init__(self, *args, retailer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scene"].queryset = Scene.objects.filter(
            retailer=retailer, status=Scene.Status.OPEN
        )

    def clean(self):
        data = super().clean()
        target = data.get("target")
        if target == ShareLink.Target.PRODUCT and not data.get("product"):
            self.add_error("product", "Choose the product to share.")
        if target == ShareLink.Target.SCENE and not data.get("scene"):
            self.add_error("scene", "Choose the scene to share.")
        if target != ShareLink.Target.PRODUCT:
            data["product"] = None
        if target != ShareLink.Target.SCENE:
            data["scene"] = None
        return data


class SceneGuestForm(forms.Form):
    """A guest for the party's list: a name and an address for the one invitation."""

    name = forms.CharField(max_length=80)
    email = forms.EmailField()


GUEST_ORDER_ROWS = 3


class SceneGuestOrderForm(forms.Form):
    """An order the retailer enters for a guest: items, who, where it ships."""

    name = forms.CharField(label="Guest's name", max_length=120)
    email = forms.EmailField(label="Guest's email")
    ship_to = forms.ChoiceField(
        label="Ship to",
        choices=[("guest", "The guest"), ("host", "The host")],
        widget=forms.RadioSelect,
        initial="guest",
    )
    ship_line1 = forms.CharField(label="Guest's street address", max_length=120, required=False)
    ship_city = forms.CharField(label="City", max_length=80, required=False)
    ship_state = forms.CharField(label="State (2 letters)", max_length=2, required=False)
    ship_postal_code = forms.CharField(label="ZIP code", max_length=10, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from storefront.models import ProductVariant

        variants = ProductVariant.objects.filter(active=True, product__active=True).select_related(
            "product"
        )
        choices = [("", "—")] + [
            (str(v.pk), f"{v.product.name}{f' ({v.label})' if v.label else ''} · ${v.price}")
            for v in variants.order_by("product__name", "position", "pk")
        ]
        for n in range(1, GUEST_ORDER_ROWS + 1):
            self.fields[f"variant_{n}"] = forms.ChoiceField(
                label=f"Item {n}", choices=choices, required=n == 1
            )
            self.fields[f"quantity_{n}"] = forms.IntegerField(
                label=f"Quantity {n}", min_value=1, max_value=99, initial=1, required=False
            )

    def items(self) -> list[tuple[int, int]]:
        rows = []
        for n in range(1, GUEST_ORDER_ROWS + 1):
            variant = self.cleaned_data.get(f"variant_{n}")
            if variant:
                rows.append((int(variant), self.cleaned_data.get(f"quantity_{n}") or 1))
        return rows

    def address(self) -> dict[str, str]:
        data = self.cleaned_data
        return {
            "ship_line1": data.get("ship_line1", ""),
            "ship_city": data.get("ship_city", ""),
            "ship_state": (data.get("ship_state") or "").upper(),
            "ship_postal_code": data.get("ship_postal_code", ""),
        }


class HostHalfPriceForm(forms.Form):
    """The host picks their half-price items (and, without one on the scene, an address)."""

    ship_line1 = forms.CharField(label="Street address", max_length=120, required=False)
    ship_city = forms.CharField(label="City", max_length=80, required=False)
    ship_state = forms.CharField(label="State (2 letters)", max_length=2, required=False)
    ship_postal_code = forms.CharField(label="ZIP code", max_length=10, required=False)

    def __init__(self, *args, rows: int = 1, **kwargs):
        super().__init__(*args, **kwargs)
        template = SceneGuestOrderForm()
        for n in range(1, max(rows, 1) + 1):
            self.fields[f"variant_{n}"] = forms.ChoiceField(
                label=f"Half-price item {n}",
                choices=template.fields["variant_1"].choices,
                required=n == 1,
            )
        self.rows = max(rows, 1)

    def items(self) -> list[tuple[int, int]]:
        chosen: dict[int, int] = {}
        for n in range(1, self.rows + 1):
            variant = self.cleaned_data.get(f"variant_{n}")
            if variant:
                chosen[int(variant)] = chosen.get(int(variant), 0) + 1
        return list(chosen.items())

    def address(self) -> dict[str, str]:
        return SceneGuestOrderForm.address(self)
