"""Response headers: the question rides in the URL (or the form's POST to /ask and
/correct), so it must not leak or be cached."""

from __future__ import annotations

from flask import Response, request

# No scripts at all; styles and forms only from this site.
_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
_PRIVATE_PATHS = ("/search", "/ask", "/correct", "/api/search")


def add_headers(response: Response) -> Response:
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    # A link to the official plan must not carry /search?q=… to another site.
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if response.mimetype == "text/html":
        response.headers.setdefault("Content-Security-Policy", _CSP)
    if request.path in _PRIVATE_PATHS:
        response.headers["Cache-Control"] = "no-store"
    return response
