"""The JSON API's reference as a page, from the OpenAPI schema."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from markdown_it import MarkdownIt
from markupsafe import Markup

from api.dependencies import OptionalPrincipal
from api.pages.rendering import render

router = APIRouter(include_in_schema=False)


@router.get("/api/docs", response_class=HTMLResponse)
def api_docs(request: Request, principal: OptionalPrincipal) -> Response:
    schema = request.app.openapi()
    operations = [
        {
            "method": method.upper(),
            "path": path,
            **op,
            "summary_html": Markup(_MARKDOWN.renderInline(op.get("summary", ""))),
            "description_html": Markup(_MARKDOWN.render(op.get("description", ""))),
        }
        for path, item in schema.get("paths", {}).items()
        for method, op in item.items()
    ]
    intro = Markup(_MARKDOWN.render(schema.get("info", {}).get("description", "")))
    return render(
        request, "api_docs.html", principal, operations=operations, schema=schema, intro=intro
    )


#: The API's descriptions are Markdown; shown as HTML with raw HTML in them disabled (escaped)
#: and only safe link schemes, so a docstring can never inject markup into the page.
_MARKDOWN = MarkdownIt("commonmark", {"html": False})
