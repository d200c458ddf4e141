from textwrap import dedent

from golden import assert_golden

from generator.parse import make_view, parse_text
from generator.render import fill_view

SAMPLE = dedent(
    """\
    # Terms

    Intro paragraph
    over two lines.

    ## 1. Data

    - first item;
    - second *item*.

    1. Loose item.

       Its second paragraph.

    | Plan | Price |
    | ---- | ----- |
    | Free | 0     |

        indented code

    > Quoted clause.
    """
)


def test_golden_blocks() -> None:
    parsed = parse_text(SAMPLE, "blob")
    assert_golden("parse_blocks.json", [b._asdict() for b in parsed.blocks])


def test_blocks_carry_plain_text_and_lines() -> None:
    parsed = parse_text(SAMPLE, "blob")
    kinds = [(b.kind, b.text, b.line_start, b.line_end) for b in parsed.blocks]
    assert kinds[:4] == [
        ("heading", "Terms", 1, 1),
        ("paragraph", "Intro paragraph over two lines.", 3, 4),
        ("heading", "1. Data", 6, 6),
        ("paragraph", "first item;", 8, 8),
    ]
    assert ("paragraph", "second item.", 9, 9) in kinds
    assert ("table", "Plan Price Free 0", 15, 17) in kinds


def test_golden_rendering_with_marker() -> None:
    from markupsafe import Markup

    parsed = parse_text(SAMPLE, "blob")
    anchors = [f"c{i}" for i in range(len(parsed.blocks))]
    view = make_view(parsed)
    html = fill_view(view, anchors, {3: [Markup('<a class="m" href="x/">A</a> ')]})
    assert_golden("parse_render.html", html)
    # every block carries its anchor, also inside tight lists and tables
    for anchor in anchors:
        assert f'id="{anchor}"' in html
    # the shared tokens are not changed by marking
    assert "govsite-marked" not in fill_view(view, anchors)
