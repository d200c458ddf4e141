from generator.compare.quotes import SearchableText, locate
from generator.text.blocks import parse_text
from generator.text.normalise import normalise


def test_normalise_typography_and_space() -> None:
    assert normalise("“Don’t”\u00a0 stop\n– now…") == '"Don\'t" stop - now...'


def test_locate_within_and_across_blocks() -> None:
    parsed = parse_text("# A\n\nFirst clause here.\n\nSecond clause here.\n", "b")
    text = SearchableText.of(parsed)
    match = locate("clause here.", text)
    assert match is not None and match.blocks == (1,)
    spanning = locate("First clause here. Second clause", text)
    assert spanning is not None and spanning.blocks == (1, 2)
    assert locate("Third clause", text) is None


def test_locate_accepts_quotes_pasted_with_markdown() -> None:
    parsed = parse_text("We **never** sell data.\n", "b")
    match = locate("We **never** sell data.", SearchableText.of(parsed))
    assert match is not None and match.blocks == (0,)
