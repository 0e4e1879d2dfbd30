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
