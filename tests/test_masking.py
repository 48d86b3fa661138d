"""Personal data is masked where it leaves the store: individual payees'
names and every account number, for a deputy and the kiosk profile; staff
see them whole. Searching and sorting cannot probe the hidden names."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from data import schema as s
from data.accounts import Viewer
from data.audit import search as audit_search
from data.masking import is_individual, mask_account, mask_name
from data.query import QueryError, Scope, payments
from data.rules import stored_breaches
from tests.conftest import DEMO_AS_OF
from tests.sessions import viewing_as
from tests.test_pages_execution import demo_app  # noqa: F401 (fixture)

DEPUTY = Viewer(None, "deputy-m", "deputy")
KIOSK = Viewer(None, None, None)
STAFF = Viewer(None, "staff-m", "staff")


@pytest.mark.parametrize("name, person", [
    ("王秀英", True), ("李明", True), ("欧阳建国", True), ("阿卜杜·热合曼", True),
    ("县财政局", False), ("李家村", True), ("示范县李家村", False), ("王家小店", False),
    ("示范县自来水有限公司", False), ("ABC Ltd", False), ("", False), (None, False),
])
def test_who_counts_as_an_individual(name, person):
    assert is_individual(name) is person


def test_masks_keep_only_the_surname_and_the_last_four_digits():
    assert mask_name("王秀英") == "王**"
    assert mask_name("李明") == "李*"
    assert mask_name("县财政局") == "县财政局"
    assert mask_account("6222021234567890123") == "*" * 15 + "0123"
    assert mask_account("12345") == "****2345"
    assert mask_account("123") == "***"
    assert mask_account(None) is None


def _person_payments(engine):
    with engine.connect() as conn:
        rows = conn.execute(select(s.payment.c.pay_cert_id, s.payment.c.payee_acct_name,
                                   s.payment.c.payee_acct_no, s.payment.c.agency_code)
                            .where(s.payment.c.fiscal_year == DEMO_AS_OF.year,
                                   s.payment.c.pay_date <= DEMO_AS_OF)).all()
    people = [r for r in rows if is_individual(r.payee_acct_name)]
    assert people, "the demo pays individuals (subsidies)"
    return people


def test_masked_scope_hides_names_and_accounts(demo_engine):
    person = _person_payments(demo_engine)[0]
    scope = Scope(as_of=DEMO_AS_OF, agency=person.agency_code)
    whole = payments(demo_engine, scope, search=person.pay_cert_id).rows
    masked = payments(demo_engine, scope.replace(masked=True), search=person.pay_cert_id).rows
    assert whole[0]["payee_acct_name"] == person.payee_acct_name
    assert masked[0]["payee_acct_name"] == person.payee_acct_name[0] + "*" * (
        len(person.payee_acct_name) - 1)
    if person.payee_acct_no:
        assert masked[0]["payee_acct_no"].endswith(person.payee_acct_no[-4:])
        assert person.payee_acct_no not in str(masked)
    assert person.payee_acct_name not in str(masked)


def test_masked_search_and_sort_cannot_probe_names(demo_engine):
    person = _person_payments(demo_engine)[0]
    scope = Scope(as_of=DEMO_AS_OF)
    found = payments(demo_engine, scope, search=person.payee_acct_name).rows
    assert found and all(person.payee_acct_name in (r["payee_acct_name"] + (r["use_des"] or ""))
                         for r in found)
    hidden = payments(demo_engine, scope.replace(masked=True), search=person.payee_acct_name)
    assert all(person.payee_acct_name in (r["use_des"] or "") for r in hidden.rows)
    with pytest.raises(QueryError) as err:
        payments(demo_engine, scope.replace(masked=True), sort="payee_acct_name")
    assert err.value.parameter == "sort"


def test_masking_is_not_in_urls():
    scope = Scope(as_of=DEMO_AS_OF, masked=True)
    assert "masked" not in scope.to_params()
    assert Scope.from_params({"as_of": "2026-01-31", "masked": "0"}, DEMO_AS_OF).masked is False


def test_rule_messages_never_carry_an_individuals_name(demo_engine):
    people = {r.payee_acct_name for r in _person_payments(demo_engine)}
    for b in stored_breaches(demo_engine):
        for name in people:
            assert f"「{name}」" not in b.message and f"→ {name}（" not in b.name, b


def _grid_rows(viewer, person):
    from components import grid
    from pages._shared.grid_data import payment_rows

    query = {"scope": Scope(as_of=DEMO_AS_OF, agency=person.agency_code).to_params(),
             "search": person.pay_cert_id}
    assert "masked" not in str(query)
    import app as app_module

    with viewing_as(app_module.server, viewer):
        return payment_rows({"startRow": 0, "endRow": grid.PAGE_SIZE}, query)["rowData"]


def test_payment_grid_masks_for_deputies_and_the_kiosk(demo_app):
    person = _person_payments(demo_app)[0]
    assert _grid_rows(STAFF, person)[0]["payee"] == person.payee_acct_name
    for viewer in (DEPUTY, KIOSK):
        rows = _grid_rows(viewer, person)
        assert rows and person.payee_acct_name not in str(rows)


def test_opening_a_payment_list_is_in_the_audit_trail(demo_app):
    person = _person_payments(demo_app)[0]
    before = audit_search(demo_app, user="deputy-m", action="view_payments")[1]
    _grid_rows(DEPUTY, person)
    rows, total = audit_search(demo_app, user="deputy-m", action="view_payments")
    assert total == before + 1 and person.pay_cert_id in rows[0]["detail"]
