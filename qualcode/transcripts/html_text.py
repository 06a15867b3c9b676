"""HTML transcripts (noScribe's own format, a web page or a document saved as HTML) -> text laid
out as a .txt's: each paragraph (or other block) a paragraph, `<br>` a line break, white space
within a block one space as a browser shows it; the head, styles and scripts left out."""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Elements that start a new block of text where a browser breaks the line.
_BLOCKS = frozenset({
    "address", "article", "aside", "blockquote", "dd", "details", "div", "dl", "dt", "figcaption", "figure",
    "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p",
    "pre", "section", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
})
_HIDDEN = frozenset({"head", "script", "style", "template", "title", "noscript"})
_SPACES = re.compile(r"[ \t\r\n\f]+")  # HTML's white space (a no-break space is a character of its own)


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[list[str]] = [[]]  # per block, its lines' pieces; "\n" pieces break lines
        self.hidden = 0
        self.pre = 0

    def handle_starttag(self, tag, attrs):
        if tag == "body":  # a head left open ends here, as a browser ends it
            self.hidden = 0
        elif tag in _HIDDEN:
            self.hidden += 1
        elif tag in _BLOCKS:
            self.blocks.append([])
            self.pre += tag == "pre"
        elif tag == "br":
            self.blocks[-1].append("\n")

    def handle_startendtag(self, tag, attrs):
        if tag == "br":
            self.blocks[-1].append("\n")
        elif tag in _BLOCKS:
            self.blocks.append([])

    def handle_endtag(self, tag):
        if tag in _HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in _BLOCKS:
            self.pre = max(0, self.pre - (tag == "pre"))
            self.blocks.append([])

    def handle_data(self, data):
        if not self.hidden:  # in <pre> a line break is one; elsewhere any white space is a space
            lines = data.split("\n") if self.pre else [data]
            self.blocks[-1].append("\n".join(_SPACES.sub(" ", line) for line in lines))

    def text(self) -> str:
        paragraphs = []
        for pieces in self.blocks:
            lines = [re.sub(" +", " ", line).strip() for line in "".join(pieces).split("\n")]
            block = "\n".join(line for line in lines if line)
            if block:
                paragraphs.append(block)
        return "\n\n".join(paragraphs) + "\n" if paragraphs else ""


def html_text(markup: str) -> str:
    """The text of an HTML document, a paragraph per block."""
    parser = _Text()
    parser.feed(markup)
    parser.close()
    return parser.text()
