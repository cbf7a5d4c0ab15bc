"""Reading forms back the way a person's software would: HTML parsed, Markdown rendered, Word opened."""

from __future__ import annotations

import io
from html.parser import HTMLParser


class HtmlForm(HTMLParser):
    """All the text of an HTML page, the text of each element with an id, and every tag seen."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.text_parts: list[str] = []
        self.by_id: dict[str, list[str]] = {}
        self.cells: list[str] = []
        self.tags: list[str] = []
        self._open: list[tuple[str, str | None]] = []
        self._cell: list[str] | None = None
        self.feed(html)
        self.close()

    @property
    def text(self) -> str:
        return "".join(self.text_parts)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag in ("br", "meta", "img", "hr", "input", "link"):
            return  # Markdown writes a newline after <br />; the HTML form keeps newlines as text
        ident = dict(attrs).get("id")
        self._open.append((tag, ident))
        if ident is not None:
            self.by_id.setdefault(ident, [])
        if tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.cells.append("".join(self._cell))
            self._cell = None
        while self._open:
            name, _ = self._open.pop()
            if name == tag:
                break

    def handle_data(self, data):
        self.text_parts.append(data)
        if self._cell is not None:
            self._cell.append(data)
        for _, ident in self._open:
            if ident is not None:
                self.by_id[ident].append(data)

    def element_text(self, ident: str) -> str:
        return "".join(self.by_id[ident])


def markdown_to_html(markdown: str) -> str:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable("table").enable("strikethrough").render(markdown)


def docx_document(data: bytes):
    import docx

    return docx.Document(io.BytesIO(data))


def docx_rows(data: bytes) -> list[list[str]]:
    document = docx_document(data)
    rows = []
    for table in document.tables:
        for row in table.rows:
            rows.append([cell.text for cell in row.cells])
    return rows


def docx_all_text(data: bytes) -> str:
    document = docx_document(data)
    parts = [p.text for p in document.paragraphs]
    for row in docx_rows(data):
        parts.extend(row)
    for section in document.sections:
        parts.extend(p.text for p in section.header.paragraphs)
        parts.extend(p.text for p in section.footer.paragraphs)
    return "\n".join(parts)
