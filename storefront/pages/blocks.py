"""The page body's plain-text conventions turned into blocks the template renders.

Staff type plain text; nothing they type is trusted as HTML. A blank line starts
a paragraph, "## " a heading, "- " a list item.
"""

from dataclasses import dataclass, field


@dataclass
class Block:
    kind: str  # "p", "h2" or "ul"
    text: str = ""
    items: list[str] = field(default_factory=list)


def body_blocks(body: str) -> list[Block]:
    blocks: list[Block] = []
    for chunk in body.replace("\r\n", "\n").split("\n\n"):
        lines = [line.strip() for line in chunk.strip().split("\n") if line.strip()]
        paragraph: list[str] = []
        for line in lines:
            if line.startswith("## "):
                if paragraph:
                    blocks.append(Block("p", " ".join(paragraph)))
                    paragraph = []
                blocks.append(Block("h2", line[3:].strip()))
            elif line.startswith("- "):
                if paragraph:
                    blocks.append(Block("p", " ".join(paragraph)))
                    paragraph = []
                if not blocks or blocks[-1].kind != "ul":
                    blocks.append(Block("ul"))
                blocks[-1].items.append(line[2:].strip())
            else:
                paragraph.append(line)
        if paragraph:
            blocks.append(Block("p", " ".join(paragraph)))
    return blocks
