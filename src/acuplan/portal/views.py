from django.http import HttpRequest, HttpResponse


def sign_in(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")
