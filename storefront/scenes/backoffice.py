"""Back-office pages for scenes and share links (company host, signed-in retailer only)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from retailers.decorators import backoffice_view

from . import selectors, services
from .closing import scene_summary_send
from .forms import SceneForm, SceneGuestForm, SceneGuestOrderForm, ShareLinkForm
from .guest_selectors import scene_rsvp_summary
from .qr import qr_png, qr_svg


@backoffice_view
@require_http_methods(["GET", "POST"])
def scene_list_view(request: HttpRequest) -> HttpResponse:
    retailer = request.retailer
    form = SceneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            scene = services.scene_create(retailer=retailer, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Scene “{scene.title}” created; we emailed the host.")
            return redirect("retailers:backoffice-scene", scene_id=scene.pk)
    context = {"scenes": selectors.scenes_for_retailer(retailer=retailer), "form": form}
    return render(
        request, "backoffice/scenes/list.html", context, status=400 if form.errors else 200
    )


@backoffice_view
@require_http_methods(["GET", "POST"])
def scene_detail_view(request: HttpRequest, scene_id: int) -> HttpResponse:
    scene = selectors.scene_get_for_retailer(retailer=request.retailer, scene_id=scene_id)
    form = SceneForm(request.POST or None, instance=scene) if scene.is_open else None
    if request.method == "POST":
        if form is None:
            messages.error(request, "This scene is closed; it can no longer be changed.")
            return redirect("retailers:backoffice-scene", scene_id=scene.pk)
        if form.is_valid():
            try:
                services.scene_update(scene=scene, **form.cleaned_data)
            except (ValidationError, services.SceneError) as exc:
                form.add_error(None, str(getattr(exc, "message", exc)))
            else:
                messages.success(request, "Scene saved.")
                return redirect("retailers:backoffice-scene", scene_id=scene.pk)
        scene.refresh_from_db()
    context = {
        "scene": scene,
        "form": form,
        "scene_url": scene.retailer.storefront_url(scene.path),
        "host_url": services.host_page_url(scene),
        "guests": selectors.scene_guests(scene=scene, with_orders=True),
        "progress": selectors.tier_progress(sales=scene.sales),
        "reward": getattr(scene, "reward", None),
        "rsvp": scene_rsvp_summary(scene=scene),  # party guest list (issue 27)
        "guest_form": SceneGuestForm(auto_id="guest-%s"),  # one page, unique ids
        "guest_order_form": SceneGuestOrderForm(auto_id="order-%s"),
    }
    return render(
        request,
        "backoffice/scenes/detail.html",
        context,
        status=400 if form and form.errors else 200,
    )


@backoffice_view
@require_POST
def scene_close_view(request: HttpRequest, scene_id: int) -> HttpResponse:
    scene = selectors.scene_get_for_retailer(retailer=request.retailer, scene_id=scene_id)
    try:
        services.scene_close(scene=scene)
    except services.SceneError as exc:
        messages.error(request, str(exc))
    else:
        scene_summary_send(scene=scene)  # the closing summary (issue 27)
        messages.success(request, "Scene closed; the host's reward was emailed to them.")
    return redirect("retailers:backoffice-scene", scene_id=scene.pk)


def _qr_response(url: str, fmt: str, name: str) -> HttpResponse:
    if fmt not in ("png", "svg"):
        raise Http404("QR codes come as PNG or SVG")
    if fmt == "svg":
        response = HttpResponse(qr_svg(url), content_type="image/svg+xml")
    else:
        response = HttpResponse(qr_png(url), content_type="image/png")
    response["Content-Disposition"] = f'inline; filename="{name}.{fmt}"'
    return response


@backoffice_view
@require_safe
def scene_qr_view(request: HttpRequest, scene_id: int, fmt: str) -> HttpResponse:
    scene = selectors.scene_get_for_retailer(retailer=request.retailer, scene_id=scene_id)
    return _qr_response(scene.retailer.storefront_url(scene.path), fmt, f"scene-{scene.code}")


@backoffice_view
@require_http_methods(["GET", "POST"])
def share_list_view(request: HttpRequest) -> HttpResponse:
    retailer = request.retailer
    form = ShareLinkForm(request.POST or None, retailer=retailer)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.share_link_create(
                retailer=retailer,
                target=data["target"],
                product=data["product"],
                scene=data["scene"],
                label=data["label"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Share link created.")
            return redirect("retailers:backoffice-share")
    links = selectors.share_links_for_retailer(retailer=retailer)
    context = {
        "form": form,
        "links": [(link, retailer.storefront_url(link.path)) for link in links],
        "storefront_url": retailer.storefront_url("/"),
    }
    return render(
        request, "backoffice/scenes/share.html", context, status=400 if form.errors else 200
    )


@backoffice_view
@require_safe
def share_qr_view(request: HttpRequest, link_id: int, fmt: str) -> HttpResponse:
    link = selectors.share_link_get_for_retailer(retailer=request.retailer, link_id=link_id)
    return _qr_response(request.retailer.storefront_url(link.path), fmt, f"link-{link.code}")
