"""Clause texts remembered by the values they read (library/text_memo.py) give exactly
the text a fresh render gives, and nothing they must not: the memo never answers for a
value it did not see, never keeps a failure, never skips a text's side effects, and
stays bounded."""
from __future__ import annotations

import copy
import datetime
import json
import random
import threading
from contextlib import contextmanager
from decimal import Decimal
from functools import lru_cache

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from markupsafe import Markup

from contratgen.library import text_memo
from contratgen.library.lint import variants
from contratgen.library.loader import SHIPPED, load_clause, load_library
from contratgen.library.spec import LANGS, Part
from contratgen.library.texts import ENVS, MEMO, ClauseTextError, render_blocks, render_text
from contratgen.load.source import WrittenDecimal, WrittenInt
from support.clauses import clause_yaml



@pytest.fixture
def clause(tmp_path):
    def _clause(text: str):
        path = tmp_path / f"probe-{abs(hash(text))}.yaml"
        path.write_text(clause_yaml(clause_id="probe", text=json.dumps(text)), "utf-8")
        loaded, diags = load_clause(path)
        assert loaded is not None, diags
        return loaded
    return _clause


@pytest.fixture(autouse=True)
def fresh_memo():
    MEMO.clear()
    MEMO.enabled = True
    yield
    MEMO.clear()
    MEMO.enabled = True


@contextmanager
def memo_off():
    MEMO.enabled = False
    try:
        yield
    finally:
        MEMO.enabled = True


def outcome(clause, lang, scope, part=Part.TEXT):
    try:
        return render_text(clause, lang, scope, part)
    except ClauseTextError as exc:
        return ("error", str(exc), exc.line)


@lru_cache(maxsize=1)
def shipped_clauses():
    library, _ = load_library([SHIPPED])
    return tuple(sorted(library.clauses.values(), key=lambda c: c.id))


def parts_of(clause):
    return [Part.TEXT] + ([Part.ANNEX] if clause.spec.annex is not None else [])


# --- every shipped text, every lint variant --------------------------------------------

def test_every_shipped_text_in_every_variant_is_what_a_fresh_render_gives():
    cases = []
    for c in shipped_clauses():
        for part in parts_of(c):
            for lang in LANGS:
                for doc_type in ("contract", "quote"):
                    for kind in ("business", "consumer"):
                        for _, context, params in variants(c, doc_type, kind, lang,
                                                           "on_premises"):
                            scope = {**context, **params, "params": dict(params)}
                            cases.append((c, part, lang, scope))
    with memo_off():
        expected = [outcome(c, lang, scope, part) for c, part, lang, scope in cases]
    order = list(range(len(cases)))
    random.Random(17).shuffle(order)
    for _ in range(3):   # the first render of a text is not remembered; the next are
        for i in order:
            c, part, lang, scope = cases[i]
            assert outcome(c, lang, scope, part) == expected[i], (c.id, part, lang)
    assert len(MEMO) > 0    # the memo was in use
    remembered = sum(text_memo.reads(ENVS[lang], c.text_of(part, lang)) is not None
                     for c, part, lang, _ in cases)
    assert remembered > len(cases) // 2   # most shipped texts can be remembered


# --- values that compare equal but print differently ------------------------------------

TRICKY = [1, True, 1.0, Decimal("1"), Decimal("1.0"), Decimal("1.00"), "1", Markup("1"),
          WrittenDecimal("1", "1.0"), WrittenDecimal("1", "1"), WrittenInt(1, "01"),
          WrittenInt(1, "1"), 0, False, -0.0, 0.0, Decimal("-0"), None, "", [], {}, (),
          [1], (1,), {"a": 1}, {"a": True}, datetime.date(2026, 3, 1), [True], [1.0]]


def test_equal_values_that_print_differently_are_different_keys(clause):
    probe = clause("{{ x }}|{{ d.v }}|{{ d.v.written if d.v.written is defined else '-' }}")
    with memo_off():
        expected = [outcome(probe, "fr", {"x": v, "d": {"v": v}}) for v in TRICKY]
    for _ in range(3):
        for value, want in zip(TRICKY, expected):
            assert outcome(probe, "fr", {"x": value, "d": {"v": value}}) == want, value


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_shipped_texts_with_values_changed_on_the_paths_they_read(data):
    c = data.draw(st.sampled_from(shipped_clauses()))
    lang = data.draw(st.sampled_from(LANGS))
    part = data.draw(st.sampled_from(parts_of(c)))
    paths = text_memo.reads(ENVS[lang], c.text_of(part, lang))
    if not paths:
        return
    _, context, params = next(variants(c, "contract", "business", lang, "on_premises"))
    base = {**context, **params, "params": dict(params)}
    scopes = []
    for _ in range(data.draw(st.integers(1, 4))):
        scope = copy.deepcopy(base)
        for _ in range(data.draw(st.integers(1, 3))):
            name, steps = data.draw(st.sampled_from(paths))
            where, key = scope, name
            for step in steps:
                if not isinstance(where.get(key), dict):
                    break
                where, key = where[key], step
            where[key] = data.draw(st.sampled_from(TRICKY + ["autre", Decimal("12.5")]))
        scopes.append(scope)
    with memo_off():
        expected = [outcome(c, lang, s, part) for s in scopes]
    for _ in range(2):
        for scope, want in zip(scopes, expected):
            assert outcome(c, lang, scope, part) == want


# --- the paths a text reads ------------------------------------------------------------

def test_the_paths_are_the_names_with_their_constant_attributes():
    env = ENVS["fr"]
    text = ("{% set doc = 'x' %}{{ doc }}{{ client.kind }}{{ payment['terms'] }}"
            "{% for c in clauses %}{{ c.number }}{% endfor %}{{ a.b[i].c }}")
    assert set(text_memo.reads(env, text)) == {
        ("client", ("kind",)), ("payment", ("terms",)), ("clauses", ()), ("a", ("b",)),
        ("i", ())}


@pytest.mark.parametrize("text", [
    "{% set _ = clauses.append(1) %}",          # a method may mutate the context
    "{{ provider.name.upper() }}",              # any method call
    "{{ (clauses|attr('append'))(1) }}",
    "{{ [1, 2]|random }}",                      # impure
    "{{ a is sameas b }}",                      # identity, not value
    "{{ clauses|map(name) }}",                  # a filter named by a variable
    "{{ clauses|selectattr('id', t) }}",
    "{% include 'x' %}", "{% import 'x' as y %}", "{% extends 'x' %}",
])
def test_texts_whose_output_may_depend_on_more_than_values_are_never_remembered(text):
    assert text_memo.reads(ENVS["fr"], text) is None


def test_a_mutating_text_still_mutates_every_time(clause):
    probe = clause("{% set _ = seen.append(1) %}{{ seen|length }}")
    seen: list = []
    results = [render_text(probe, "fr", {"seen": seen}) for _ in range(3)]
    assert results == ["1", "2", "3"] and seen == [1, 1, 1]


def test_a_step_through_a_dict_attribute_reads_the_whole_dict(clause):
    probe = clause("{{ d['items'] }}")
    for _ in range(2):
        assert render_text(probe, "fr", {"d": {"items": "a", "other": 1}}) == "a"
        assert render_text(probe, "fr", {"d": {"items": "b", "other": 1}}) == "b"


def test_a_path_ending_early_is_not_the_value_one_step_deeper(clause):
    probe = clause("{{ a.b }}")
    for _ in range(2):
        assert render_text(probe, "fr", {"a": {"b": "v"}}) == "v"
    with pytest.raises(ClauseTextError, match="undefined"):
        render_text(probe, "fr", {"a": "v"})          # a text has no attribute b
    present = clause("{{ a.b if a.b is defined else 'none' }}")
    for _ in range(2):
        assert render_text(present, "fr", {"a": {}}) == "none"
        assert render_text(present, "fr", {"a": {"b": "x"}}) == "x"


# --- failures, budgets, unkeyed values, bounds ------------------------------------------

def test_a_failure_is_never_remembered_and_the_budget_still_refuses(clause):
    probe = clause("{{ n * 'x' }}")
    for _ in range(3):
        assert render_text(probe, "fr", {"n": 3}) == "xxx"
        with pytest.raises(ClauseTextError, match="larger than"):
            render_text(probe, "fr", {"n": 10**7})
        with pytest.raises(ClauseTextError, match="undefined"):
            render_text(probe, "fr", {})


def test_a_value_that_makes_no_key_is_rendered_every_time(clause):
    class Counted:
        renders = 0

        def __str__(self):
            Counted.renders += 1
            return "c"
    probe = clause("{{ x }}")
    value = Counted()
    assert [render_text(probe, "fr", {"x": value}) for _ in range(4)] == ["c"] * 4
    assert Counted.renders == 4
    assert text_memo.key_of((("x", ()),), {"x": value}) is None
    assert text_memo.key_of((("x", ()),), {"x": {"a": [value]}}) is None
    assert text_memo.key_of((("x", ()),), {"x": "y" * (text_memo.MAX_KEY + 1)}) is None


def test_lint_renders_are_never_remembered(clause):
    probe = clause("{{ x }}")
    for _ in range(3):
        render_blocks(probe, "fr", {"x": "a"}, {}, noting=True)
    assert len(MEMO) == 0


def test_the_memo_is_bounded(clause):
    probe = clause("{{ x }}")
    for i in range(text_memo.ENTRIES + 200):
        assert render_text(probe, "fr", {"x": str(i)}) == str(i)
    assert len(MEMO) <= text_memo.ENTRIES
    # the most recent are kept, the first went first
    assert render_text(probe, "fr", {"x": str(text_memo.ENTRIES + 199)}) == \
        str(text_memo.ENTRIES + 199)


def test_a_single_render_does_no_analysis(clause, monkeypatch):
    calls = []
    monkeypatch.setattr(text_memo, "reads", lambda *a: calls.append(a) or ())
    probe = clause("{{ x }}")
    render_text(probe, "fr", {"x": "a"})
    assert calls == []
    render_text(probe, "fr", {"x": "a"})
    assert len(calls) == 1


def test_threads_rendering_at_once_each_get_their_own_text(clause, monkeypatch):
    monkeypatch.setattr(text_memo, "ENTRIES", 8)
    memo = text_memo.TextMemo(entries=8)
    monkeypatch.setattr("contratgen.library.texts.MEMO", memo)
    probe = clause("{{ x }}-{{ d.y }}")
    failures = []

    def work(seed: int) -> None:
        rng = random.Random(seed)
        for _ in range(400):
            x, y = str(rng.randrange(12)), rng.randrange(3)
            if render_text(probe, "fr", {"x": x, "d": {"y": y}}) != f"{x}-{y}":
                failures.append((x, y))
    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == [] and len(memo) <= 8
