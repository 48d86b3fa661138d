"""The rule engine (data.rules) against the `tiny` demo, on both backends:
its breaches equal those of the independent oracle of SPEC §2
(tests/rule_oracle.py, pandas over the demo's files) rule by rule, at the demo's
as-of date and at other dates; every planted case is found with its level and
no control case fires; an ordinary county raises nothing.

Expected figures come from the oracle or the planted table, never from the
engine. Where the SPEC leaves a case open the oracle says so (`open_cases`)
and that entity is compared in neither direction."""
from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal

import pytest

from data.demo import SCALES, _write_files, load_demo, write_demo_files
from data.demo.planted import planted_cases
from data.importer import import_files
from data.rules import evaluate
from tests.conftest import DEMO_AS_OF
from tests.rule_oracle import RULE_IDS, TOLERANCE, VALUE_RULES, Rules, read_frames, to_decimal

LEVELS = ("yellow", "orange", "red")

# The demo store (data up to DEMO_AS_OF) judged as of other dates too: data dated
# after D must be ignored. 29/30 Sep bracket EXEC_LOW_Q3; 15 Oct lies inside
# the SOE period of D's own month; 31 Dec is a year end (all payments stale);
# the 2025 dates judge the previous fiscal year's data.
OTHER_DATES = [date(2025, 12, 31), date(2026, 3, 31), date(2026, 6, 30), date(2026, 9, 29),
               date(2026, 9, 30), date(2026, 10, 15), date(2026, 12, 31)]


# -- helpers ----------------------------------------------------------------------------

def by_rule(breaches) -> dict[str, dict[str, object]]:
    """{rule: {entity_code: Breach}}; a (rule, entity) reported twice is a defect."""
    twice = [k for k, n in Counter((b.rule, b.entity_code) for b in breaches).items() if n > 1]
    assert not twice, f"breaches reported more than once: {twice[:10]}"
    out: dict[str, dict[str, object]] = {r: {} for r in RULE_IDS}
    for b in breaches:
        assert b.rule in out, f"unknown rule {b.rule!r}"
        assert b.level in LEVELS, (b.rule, b.entity_code, b.level)
        out[b.rule][b.entity_code] = b
    return out


def fmt(v) -> str:
    return "-" if v is None else f"{Decimal(v):.4f}"


def level_diff(oracle: Rules, breaches) -> list[str]:
    """Readable lines, one per (rule, entity) where the engine's level differs
    from the oracle's; empty when they agree."""
    expected, got = oracle.all(), by_rule(breaches)
    lines = []
    for rule in RULE_IDS:
        skip = oracle.open_cases.get(rule, set())
        want = {e: lv for e, (lv, _v) in expected[rule].items() if e not in skip}
        have = {e: b.level for e, b in got[rule].items() if e not in skip}
        for e in sorted(set(want) | set(have)):
            if want.get(e) != have.get(e):
                value = expected[rule].get(e, (None, None))[1]
                unit = VALUE_RULES.get(rule, "")
                lines.append(f"{rule} {e}: expected {want.get(e, 'green')}"
                             f" (oracle value {fmt(to_decimal(value, unit) if unit else None)}),"
                             f" engine {have.get(e, 'green')}"
                             f" (value {fmt(got[rule][e].value) if e in got[rule] else '-'})")
    return lines


def value_diff(oracle: Rules, breaches) -> list[str]:
    """Where both flag an entity of a rule whose value the SPEC defines, the
    engine's value within display rounding of the exact one."""
    expected, got = oracle.all(), by_rule(breaches)
    lines = []
    for rule, unit in VALUE_RULES.items():
        for e, (_lv, value) in expected[rule].items():
            b = got[rule].get(e)
            if b is None:
                continue
            want = to_decimal(value, unit)
            if b.value is None or abs(Decimal(b.value) - want) > TOLERANCE[unit]:
                lines.append(f"{rule} {e}: value expected {want:.6f} ({unit}), engine {b.value}")
    return lines


def assert_same(oracle: Rules, breaches, what: str) -> None:
    diff = level_diff(oracle, breaches)
    assert not diff, f"{what}: engine ≠ oracle on {len(diff)} entities\n" + "\n".join(diff[:60])


# -- fixtures ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def demo_frames(tmp_path_factory):
    """The same files demo_engine was loaded from, for the oracle."""
    out = tmp_path_factory.mktemp("rules-demo")
    write_demo_files(out, "tiny", seed=7, as_of=DEMO_AS_OF)
    return read_frames(out)


@pytest.fixture(scope="module")
def demo_breaches(demo_engine):
    return evaluate(demo_engine, DEMO_AS_OF)


# -- the demo as of its own date ---------------------------------------------------------------

def test_demo_levels_equal_the_oracle(demo_breaches, demo_frames):
    assert_same(Rules(demo_frames, DEMO_AS_OF), demo_breaches, f"demo as of {DEMO_AS_OF}")


def test_demo_values_equal_the_oracle(demo_breaches, demo_frames):
    diff = value_diff(Rules(demo_frames, DEMO_AS_OF), demo_breaches)
    assert not diff, "\n".join(diff)


def test_every_rule_fires_on_the_demo(demo_frames):
    """A guard that the comparison above is not between two empty sets: the
    oracle flags something for each of the 27 rules."""
    fired = Rules(demo_frames, DEMO_AS_OF).all()
    assert [rule for rule in RULE_IDS if not fired[rule]] == []


@pytest.mark.parametrize("case", planted_cases(DEMO_AS_OF), ids=lambda c: f"{c.rule}-{c.entity}")
def test_planted_case_found(case, demo_breaches):
    got = {b.entity_code: b.level for b in demo_breaches if b.rule == case.rule}
    if case.kind == "control":
        assert case.entity not in got, f"{case.rule} {case.entity} must stay green: {case.what}"
    else:
        assert got.get(case.entity) == case.level, (
            f"{case.rule} {case.entity}: expected {case.level} ({case.what}), "
            f"got {got.get(case.entity, 'green')}; the rule flagged {sorted(got)[:10]}")


def test_evaluate_writes_nothing(demo_engine):
    from tests.files.contract import content, version

    before, v = content(demo_engine), version(demo_engine)
    evaluate(demo_engine, DEMO_AS_OF)
    assert version(demo_engine) == v and content(demo_engine) == before


# -- the same store judged as of other dates (data after D ignored) ---------------------------------

@pytest.mark.parametrize("as_of", OTHER_DATES, ids=str)
def test_demo_store_at_another_date_equals_the_oracle(demo_engine, demo_frames, as_of):
    breaches = evaluate(demo_engine, as_of)
    oracle = Rules(demo_frames, as_of)
    assert_same(oracle, breaches, f"demo store as of {as_of}")
    diff = value_diff(oracle, breaches)
    assert not diff, "\n".join(diff)


def test_exec_low_q3_starts_on_30_september(demo_engine, demo_frames):
    """The oracle's own boundary, stated outright: nothing on 29 Sep, the two
    slow agencies of the demo store on 30 Sep (rate < 60% by then)."""
    before = {b.entity_code for b in evaluate(demo_engine, date(2026, 9, 29)) if b.rule == "EXEC_LOW_Q3"}
    on = {b.entity_code: b.level for b in evaluate(demo_engine, date(2026, 9, 30))
          if b.rule == "EXEC_LOW_Q3"}
    expected = {e: lv for e, (lv, _v) in Rules(demo_frames, date(2026, 9, 30)).EXEC_LOW_Q3().items()}
    assert expected, "the demo store should have an agency below 60% on 30 Sep"
    assert before == set() and on == expected


# -- demos generated as of other dates, each in a fresh store -----------------------------------------

@pytest.mark.parametrize("as_of", [date(2026, 9, 30), date(2026, 6, 30)], ids=str)
def test_demo_generated_as_of_another_date(engine, tmp_path, as_of):
    load_demo(engine, scale="tiny", seed=7, as_of=as_of, workdir=tmp_path)
    breaches = evaluate(engine, as_of)
    oracle = Rules(read_frames(tmp_path), as_of)
    assert_same(oracle, breaches, f"demo generated as of {as_of}")
    diff = value_diff(oracle, breaches)
    assert not diff, "\n".join(diff)


def test_an_ordinary_county_is_green(engine, tmp_path):
    """The generator's ordinary path (another county of the province scale):
    no planted case, so the engine raises nothing (beyond what SPEC leaves open)."""
    paths = _write_files(tmp_path, SCALES["tiny"], 5, DEMO_AS_OF, [(3, "990104", "北苑区")])
    import_files(engine, paths, username="test")
    breaches = evaluate(engine, DEMO_AS_OF)
    oracle = Rules(read_frames(tmp_path), DEMO_AS_OF)
    assert not any(oracle.all().values()), "the oracle should find the ordinary county green"
    assert_same(oracle, breaches, "ordinary county")
    planted_kinds = {c.rule for c in planted_cases(DEMO_AS_OF)}
    fired = {(b.rule, b.entity_code) for b in breaches
             if b.rule in planted_kinds and b.entity_code not in oracle.open_cases.get(b.rule, set())}
    assert not fired, sorted(fired)[:20]
