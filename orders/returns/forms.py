"""The return form: one quantity and one reason per order line still returnable."""

from __future__ import annotations

from django import forms

from orders.models import Order

from .models import ReturnLine


class ReturnRequestForm(forms.Form):
    note = forms.CharField(
        label="Anything we should know? (optional)",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, order: Order, returnable: dict[int, int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.rows = []
        for line in order.lines.all():
            left = returnable.get(line.pk, 0)
            if left <= 0:
                continue
            qty = forms.TypedChoiceField(
                label=f"How many of {line.display_name} to return",
                choices=[(n, str(n)) for n in range(left + 1)],
                coerce=int,
                initial=0,
                required=False,
                empty_value=0,
            )
            reason = forms.ChoiceField(
                label=f"Why are you returning {line.display_name}?",
                choices=[("", "Choose a reason"), *ReturnLine.Reason.choices],
                required=False,
            )
            self.fields[f"qty-{line.pk}"] = qty
            self.fields[f"reason-{line.pk}"] = reason
            self.rows.append((line, left, f"qty-{line.pk}", f"reason-{line.pk}"))

    @property
    def bound_rows(self):
        return [(line, left, self[q], self[r]) for line, left, q, r in self.rows]

    def clean(self):
        data = super().clean()
        chosen = False
        for line, _left, q, r in self.rows:
            if data.get(q):
                chosen = True
                if not data.get(r):
                    self.add_error(r, f"Tell us why you are returning {line.display_name}.")
        if not chosen and not self.errors:
            raise forms.ValidationError("Choose at least one item and how many to return.")
        return data

    def quantities(self) -> dict[int, int]:
        return {line.pk: self.cleaned_data[q] for line, _l, q, _r in self.rows}

    def reasons(self) -> dict[int, str]:
        return {line.pk: self.cleaned_data[r] for line, _l, _q, r in self.rows}
