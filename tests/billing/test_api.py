"""Billing through the API: POST /api/billing/cpt (stateless, the issue's shape and cases),
superbills as JSON, the account, payments, reversals and packages; bad input is a 4xx in the
one error shape and changes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from acuplan.billing.models import Payment
from acuplan.clinic.models import Patient, Session
from tests.web.conftest import Cast
from tests.web.test_api_support import assert_error, call, client_for, row_counts

M, E = "manual", "electro"


def _sets(*pairs: tuple[str, int]) -> list[dict[str, Any]]:
    return [{"stimulation": s, "face_to_face_minutes": m} for s, m in pairs]


@pytest.mark.parametrize(
    ("body", "lines", "says"),
    [
        ({"sets": _sets((M, 14))}, [("97810", 1, [])], "initial 15 minutes"),
        ({"sets": _sets((M, 7))}, [], "at least 8 minutes"),
        ({"sets": _sets((M, 15), (E, 15))}, [("97810", 1, []), ("97814", 1, [])], "97814"),
        ({"sets": _sets((M, 0))}, [], "count for nothing"),
        (
            {"sets": _sets((M, 15)), "evaluation": True},
            [("97810", 1, []), ("99212", 1, ["25"])],
            "modifier 25",
        ),
        ({"sets": [], "evaluation": False}, [], "No needle sets"),
    ],
)
def test_it_codes_sets_statelessly(
    cast: Cast, body: dict[str, Any], lines: list[tuple[str, int, list[str]]], says: str
) -> None:
    client = client_for(cast.front_desk)  # before counting: making a token writes a row
    before = row_counts()
    response = call(client, "POST", "/api/billing/cpt", body)
    assert response.status_code == 200, response.content
    out = response.json()
    assert set(out) == {"lines", "explanation"}
    assert [(x["cpt"], x["units"], x["modifiers"]) for x in out["lines"]] == lines
    assert all(set(x) == {"cpt", "units", "modifiers"} for x in out["lines"])
    assert says in " ".join(out["explanation"])
    after = row_counts()
    assert after.pop("audit.AuditEvent") >= before.pop("audit.AuditEvent")  # token use only
    assert after == before, "stateless: nothing stored"


@pytest.mark.parametrize(
    "body",
    [
        {"sets": _sets((M, -1))},
        {"sets": _sets((M, 241))},
        {"sets": [{"stimulation": "laser", "face_to_face_minutes": 10}]},
        {"sets": [{"stimulation": "manual"}]},
        {"sets": _sets(*[(M, 15)] * 21)},
        {"sets": _sets((M, 15)), "retention": 30},
        {"evaluation": True},
        [],
    ],
)
def test_it_refuses_a_bad_coding_request(cast: Cast, body: object) -> None:
    response = call(client_for(cast.owner), "POST", "/api/billing/cpt", body)
    assert_error(response, 422, "invalid_input")


def test_it_answers_a_superbill_as_json_without_clinical_notes(
    cast: Cast, billed_session: Session
) -> None:
    client = client_for(cast.front_desk)
    out = call(client, "GET", f"/api/sessions/{billed_session.pk}/superbill").json()
    assert out["clinic"] == {
        "name": "Riverside",
        "address": "12 River Road\nSacramento, CA 95814",
        "phone": "(916) 555-0142",
        "tax_id": "12-3456789",
    }
    assert out["rendering"] == [
        {
            "name": "owner",
            "npi": "1234567893",
            "taxonomy": "171100000X",
            "licence_number": "L-owner",
            "licence_state": "CA",
        }
    ]
    assert out["place_of_service"] == {"code": "11", "name": "Office"}
    assert out["diagnoses"][0] == {
        "letter": "A",
        "code": "M54.50",
        "display": "Low back pain, unspecified",
    }
    assert [(x["cpt"], x["fee"], x["charge"], x["pointers"]) for x in out["lines"]] == [
        ("97810", "95.00", "95.00", ["A"]),
        ("97814", "50.00", "50.00", ["A"]),
    ]
    assert (out["total_charges"], out["balance"]) == ("145.00", "145.00")
    assert "notes" not in str(out).lower()


def test_it_records_payments_and_reversals_through_the_api(cast: Cast, patient: Patient) -> None:
    client = client_for(cast.front_desk)
    paid = call(
        client,
        "POST",
        f"/api/patients/{patient.pk}/payments",
        {"amount": "80.00", "method": "cash"},
    )
    assert paid.status_code == 201, paid.content
    payment_id = paid.json()["id"]
    account = call(client, "GET", f"/api/patients/{patient.pk}/account").json()
    assert account["balance"] == "-80.00"
    reversed_ = call(
        client, "POST", f"/api/payments/{payment_id}/reversal", {"reason": "wrong patient"}
    )
    assert reversed_.status_code == 201
    assert reversed_.json()["amount"] == "-80.00"
    again = call(client, "POST", f"/api/payments/{payment_id}/reversal", {"reason": "again"})
    assert_error(again, 409, "conflict")
    assert call(client, "GET", f"/api/patients/{patient.pk}/account").json()["balance"] == "0.00"


@pytest.mark.parametrize(
    "body",
    [
        {"amount": "0", "method": "cash"},
        {"amount": "12.345", "method": "cash"},
        {"amount": "10", "method": "gold"},
        {"amount": "10", "method": "cash", "received_on": "2999-01-01"},
        {"amount": "10", "method": "cash", "id": 5},
    ],
)
def test_it_refuses_a_bad_payment_and_changes_nothing(
    cast: Cast, patient: Patient, body: dict[str, Any]
) -> None:
    client = client_for(cast.front_desk)
    response = call(client, "POST", f"/api/patients/{patient.pk}/payments", body)
    assert_error(response, 422, "invalid_input")
    assert not Payment.objects.exists()


def test_it_refuses_a_reversed_period_and_a_period_over_a_year(
    cast: Cast, patient: Patient
) -> None:
    client = client_for(cast.owner)
    url = f"/api/patients/{patient.pk}/superbill"
    assert_error(
        call(client, "GET", url + "?start=2026-02-01&end=2026-01-01"), 422, "invalid_input"
    )
    assert_error(
        call(client, "GET", url + "?start=2024-01-01&end=2026-01-01"), 422, "invalid_input"
    )
    assert_error(call(client, "GET", url + "?start=yesterday"), 422, "invalid_input")


def test_it_lists_the_same_codes_and_methods_in_the_schemas_as_in_the_data() -> None:
    from typing import get_args

    from acuplan.billing.api import Method
    from acuplan.billing.models import PaymentMethod
    from acuplan.clinic.api import SessionIn
    from acuplan.core.billing import default_rules

    evaluation = SessionIn.model_fields["evaluation"].annotation
    assert set(get_args(evaluation)) == {"", *default_rules().evaluation.codes}
    assert set(get_args(Method)) == set(PaymentMethod.values)
