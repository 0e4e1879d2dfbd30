"""Cart input: product ids and quantities arrive as text and are checked here."""

from django import forms

from .cart import MAX_LINE_QUANTITY

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
