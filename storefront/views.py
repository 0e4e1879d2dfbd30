from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def company_home(request: HttpRequest) -> HttpResponse:
    return render(request, "company/home.html")


def storefront_home(request: HttpRequest) -> HttpResponse:
    return render(request, "storefront/home.html")
