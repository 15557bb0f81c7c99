from hypothesis import given, settings, strategies as st

from contratgen.library import markup
from contratgen.library.markup import parse


def test_paragraphs_lists_bold_and_italic():
    blocks = parse("Le **prix** est dû\nà *réception*.\n\n- un\n- deux\n  suite\n\nFin.")
    assert [b.kind for b in blocks] == ["paragraph", "item", "item", "paragraph"]
    assert blocks[0].text == "Le prix est dû à réception."
    assert [(r.text, r.bold, r.italic) for r in blocks[0].runs][1:4] == [
        ("prix", True, False), (" est dû à ", False, False), ("réception", False, True)]
    assert blocks[2].text == "deux suite"


def test_an_escaped_asterisk_is_printed():
    (block,) = parse(r"Je/Nous (\*) vous notifie (\*) et *ceci*")
    assert block.text == "Je/Nous (*) vous notifie (*) et ceci"
    assert [r.italic for r in block.runs] == [False, True]


def test_conspicuous_makes_every_run_bold():
    (block,) = parse("texte *important*", bold=True)
    assert all(r.bold for r in block.runs)


def test_a_lone_multiplication_sign_is_not_italics():
    (block,) = parse("3 * 4 = 12")
    assert block.text == "3 * 4 = 12" and not any(r.italic for r in block.runs)


import pytest  # noqa: E402

from contratgen.library.markup import stray_asterisks  # noqa: E402


@pytest.mark.parametrize("text, stray", [
    ("Le **prix** est *dû*.", []),
    ("Le **prix\nest dû**.", []),                 # a paragraph's lines are joined
    ("Le \\* est littéral.", []),
    ("Le **prix est dû.", [3, 4]),
    ("Le *prix est dû.", [3]),
    ("- **un\n- deux**", [2, 3, 13, 14]),       # a list item is a block of its own
    ("**un\n\ndeux**", [0, 1, 10, 11]),         # so is a paragraph
])
def test_stray_asterisks_are_those_parse_would_print(text, stray):
    assert stray_asterisks(text) == stray
    printed = "".join(b.text for b in parse(text))
    assert printed.count("*") == len(stray) + text.count("\\*")


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab *-\\\n\t\ue000é"), max_size=40), st.booleans())
def test_inline_without_an_asterisk_is_what_the_split_gives(text, bold):
    # the shortcut for a text with no asterisk against the general path
    runs = []
    for part in markup._INLINE.split(text):
        if not part:
            continue
        if part.startswith("**") and part.endswith("**") and len(part) > 4:
            runs.append(markup.Run(part[2:-2], bold=True))
        elif part.startswith("*") and part.endswith("*") and len(part) > 2:
            runs.append(markup.Run(part[1:-1], bold=bold, italic=True))
        else:
            runs.append(markup.Run(part, bold=bold))
    assert markup.inline(text, bold) == tuple(runs)
