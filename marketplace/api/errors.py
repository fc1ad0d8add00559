"""Every API error as application/problem+json (RFC 9457, NL API Strategie):
type, code, title, status, detail and invalidParams per field."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from marketplace.errors import DomainError

PROBLEM_CONTENT_TYPE = "application/problem+json"


def _invalid_params(detail, prefix: str = "") -> list[dict]:
    params = []
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            params.extend(_invalid_params(value, name))
    elif isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            for item in detail:
                params.append(
                    {
                        "name": prefix or "nonFieldErrors",
                        "code": getattr(item, "code", "invalid"),
                        "reason": str(item),
                    }
                )
        else:
            for index, item in enumerate(detail):
                params.extend(_invalid_params(item, f"{prefix}.{index}" if prefix else str(index)))
    else:
        params.append(
            {
                "name": prefix or "nonFieldErrors",
                "code": getattr(detail, "code", "invalid"),
                "reason": str(detail),
            }
        )
    return params


def problem(
    *,
    status_code: int,
    code: str,
    title: str,
    detail: str = "",
    invalid_params: list[dict] | None = None,
    headers=None,
) -> Response:
    body = {
        "type": f"urn:brugwerk:error:{code}",
        "code": code,
        "title": title,
        "status": status_code,
        "detail": detail,
    }
    if invalid_params:
        body["invalidParams"] = invalid_params
    return Response(body, status=status_code, headers=headers, content_type=PROBLEM_CONTENT_TYPE)


def problem_exception_handler(exc, context):
    if isinstance(exc, DomainError):
        params = (
            [{"name": exc.field, "code": exc.code, "reason": exc.message}] if exc.field else None
        )
        return problem(
            status_code=exc.status,
            code=exc.code,
            title=exc.message,
            detail=exc.message,
            invalid_params=params,
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None  # unexpected: let Django's 500 handling log it
    if isinstance(exc, exceptions.ValidationError):
        return problem(
            status_code=status.HTTP_400_BAD_REQUEST,
            code="invalid",
            title="Invalid input.",
            detail="One or more fields are not valid.",
            invalid_params=_invalid_params(exc.detail),
        )
    detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
    code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
    headers = {
        k: v
        for k, v in response.headers.items()
        if k in {"WWW-Authenticate", "Retry-After", "Allow"}
    }
    return problem(
        status_code=response.status_code,
        code=code,
        title=str(detail),
        detail=str(detail),
        headers=headers,
    )
