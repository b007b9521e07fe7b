"""GRADE summary of findings: every number checked by hand from Lin 2017's counts in the review's data
(severe infection: 9 of 56 treated, 18 of 54 controls), every rule on a small made-up table."""
from __future__ import annotations

import math
from statistics import NormalDist

import pandas as pd
import pytest

import mscteach
from mscteach.errors import MscteachError
from mscteach.stats import grade


@pytest.fixture(scope="module")
def sof():
    return grade.summary_of_findings(mscteach.load("outcomes"), mscteach.load("clinical_studies")).set_index("outcome")


def _ois_per_arm(p1: float, p2: float) -> int:
    """Cohen's h sample size per arm, alpha 0.05 two-sided, power 0.8, by hand."""
    z = NormalDist().inv_cdf(0.975) + NormalDist().inv_cdf(0.8)
    h = abs(2 * math.asin(math.sqrt(p1)) - 2 * math.asin(math.sqrt(p2)))
    return math.ceil(2 * (z / h) ** 2)


def test_lin_2017_severe_infection_by_hand(sof):
    row = sof.loc["severe infection"]
    rr = (9 / 56) / (18 / 54)
    se = math.sqrt(1 / 9 - 1 / 56 + 1 / 18 - 1 / 54)
    low, high = math.exp(math.log(rr) - 1.959964 * se), math.exp(math.log(rr) + 1.959964 * se)
    assert row["relative_effect"] == f"RR {rr:.2f} ({low:.2f} to {high:.2f})" == "RR 0.48 (0.24 to 0.98)"
    control = 18 / 54
    assert row["control_risk_per_1000"] == round(1000 * control) == 333
    fewer = [round(1000 * control * (1 - x)) for x in (rr, low, high)]
    assert fewer == [173, 254, 7]
    assert row["absolute_effect"] == "173 fewer per 1000 (from 254 fewer to 7 fewer)"
    assert (row["n_treated"], row["n_control"], row["studies"]) == (56, 54, 1)
    # one randomised trial: starts High; its CI excludes 1, but 110 < the optimal information size
    ois = 2 * _ois_per_arm(control, control * 0.75)
    assert ois == 930
    assert row["imprecision"] == f"serious: 110 participants, fewer than the {ois} needed to detect a 25% relative " \
                                 "risk reduction"
    assert row["certainty"] == "⊕⊕⊕◯ Moderate"
    assert row["inconsistency"] == "not applicable: one study"
    assert row["risk of bias"] == "not assessed: not assessed from the review"
    assert row["publication bias"] == "not assessable: fewer than 10 studies (1)"
    assert row["assessment"] == "rule-based first pass"


def test_an_outcome_without_events_is_not_estimable(sof):
    row = sof.loc["HCC"]
    assert row["relative_effect"] == row["absolute_effect"] == "not estimable"
    assert row["level"] == "Low"


def _table(effects, designs, disease="cirrhosis"):
    """A made-up outcomes/clinical pair: one study per (events_t, n_t, events_c, n_c)."""
    outcomes, clinical = [], []
    for i, ((et, nt, ec, nc), design) in enumerate(zip(effects, designs)):
        sid = f"s{i}"
        clinical.append({"study_id": sid, "first_author": f"Author{i}", "year": 2000 + i, "disease": disease,
                         "design": design})
        for role, e, n in (("treated", et, nt), ("control", ec, nc)):
            outcomes.append({"study_id": sid, "outcome": "death", "timepoint": "1 year", "outcome_type": "binary",
                             "arm_role": role, "events": e, "total": n})
    return pd.DataFrame(outcomes), pd.DataFrame(clinical)


def test_non_randomised_evidence_starts_low_and_says_so():
    outcomes, clinical = _table([(100, 5000, 400, 5000), (120, 5000, 450, 5000)], ["cohort", "RCT"])
    row = grade.summary_of_findings(outcomes, clinical).iloc[0]
    assert row["level"] == "Low"
    assert row["reasons"].startswith("starts at Low: not every study is randomised")


def test_which_designs_start_high_is_the_schemas_rule_not_a_name_in_code(data_copy, monkeypatch):
    import json

    outcomes, clinical = _table([(100, 5000, 400, 5000)], ["non-randomised controlled"])
    assert grade.summary_of_findings(outcomes, clinical).iloc[0]["level"] == "Low"
    descriptor = json.loads((data_copy / "datapackage.json").read_text(encoding="utf-8"))
    table = next(r for r in descriptor["resources"] if r["name"] == "clinical_studies")
    design = next(f for f in table["schema"]["fields"] if f["name"] == "design")
    design["randomised"] = ["RCT", "non-randomised controlled"]
    (data_copy / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    monkeypatch.setenv(mscteach.ENV_VAR, str(data_copy))
    row = grade.summary_of_findings(outcomes, clinical).iloc[0]
    # 10000 participants with a CI far from 1: no step down, so the start is the level
    assert row["level"] == "High" and not row["reasons"].startswith("starts at Low")


def test_studies_pointing_both_ways_with_high_i2_are_inconsistent():
    outcomes, clinical = _table([(10, 500, 60, 500), (60, 500, 10, 500)], ["RCT", "RCT"])
    row = grade.summary_of_findings(outcomes, clinical).iloc[0]
    assert row["inconsistency"].startswith("serious: I² = ")
    assert "point both ways" in row["inconsistency"]


def test_a_question_about_another_disease_is_indirect():
    outcomes, clinical = _table([(10, 500, 40, 500), (12, 500, 45, 500)], ["RCT", "RCT"])
    row = grade.summary_of_findings(outcomes, clinical, disease="ACLF").iloc[0]
    assert row["indirectness"] == "serious: studies of cirrhosis, asked about ACLF"


def test_a_teachers_override_replaces_the_rule_and_is_shown(tmp_path):
    overrides = tmp_path / "grade_overrides.csv"
    overrides.write_text("outcome,domain,decision,reason\n"
                         "severe infection,risk of bias,serious,open-label trial; infections judged by unblinded staff\n",
                         encoding="utf-8")
    sof = grade.summary_of_findings(mscteach.load("outcomes"), mscteach.load("clinical_studies"),
                                    overrides=grade.read_overrides(overrides)).set_index("outcome")
    row = sof.loc["severe infection"]
    assert row["risk of bias"] == "serious: override: open-label trial; infections judged by unblinded staff"
    assert row["certainty"] == "⊕⊕◯◯ Low"  # High - imprecision - risk of bias
    assert row["assessment"] == "rule-based first pass, with overrides"


@pytest.mark.parametrize("text, says", [
    ("outcome,domain,decision,reason\nsevere infection,bias,serious,x\n",
     "row 2, field 'domain': 'bias' is not an allowed value; "
     "allowed: risk of bias, inconsistency, indirectness, imprecision, publication bias"),
    ("outcome,domain,decision,reason\nsevere infection,risk of bias,grave,x\n",
     "row 2, field 'decision': 'grave' is not an allowed value; allowed: not serious, serious, very serious"),
    ("outcome,domain,decision\nsevere infection,risk of bias,serious\n",
     "row 1, field 'reason': column is missing from the header"),
])
def test_a_bad_overrides_file_is_named_with_its_row(tmp_path, text, says):
    path = tmp_path / "o.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(MscteachError, match=str(path)) as info:
        grade.read_overrides(path)
    assert says in str(info.value)


def test_chapter_6_states_the_numbers_the_table_computes(sof):
    import json

    from .conftest import REPO

    nb = json.loads((REPO / "notebooks" / "06_clinical_trials.ipynb").read_text(encoding="utf-8"))
    # the paragraph is computed (evidence.certainty_paragraph): its stored Markdown output, beside the chapter's text
    text = "".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown") + "".join(
        "".join(o.get("data", {}).get("text/markdown", "")) for c in nb["cells"] if c["cell_type"] == "code"
        for o in c.get("outputs", []))
    row = sof.loc["severe infection"]
    assert f"about {row['absolute_effect'].split(' per')[0]} per 1000 patients" in text  # 173 fewer
    ois = row["imprecision"].split("than the ")[1].split(" needed")[0]
    assert f"the {ois} a trial would need" in text
    assert row["relative_effect"].startswith("RR 0.48") and "a risk ratio of 0.48" in text


def test_each_row_says_which_domains_were_judged_and_which_assumed(sof):
    # Lin 2017's severe infection, by hand: one randomised trial, so inconsistency "not applicable" (one study),
    # indirectness from its disease, imprecision from its CI and size: judged from the data. Risk of bias is not
    # assessed (none given) and publication bias not assessable (1 study < 10): assumed, never "not serious".
    row = sof.loc["severe infection"]
    assert row["risk of bias"].startswith("not assessed:") and "not serious" not in row["risk of bias"]
    assert row["judged"] == "inconsistency; indirectness; imprecision"
    assert row["assumed"] == "risk of bias; publication bias"
    # outcome rows 1 and 2 (9/56, 18/54): source "abstract of ref 26 (...)", not the review
    assert row["counts_from"] == "the sources file"


def test_a_given_domain_is_judged_not_assumed(tmp_path):
    overrides = tmp_path / "grade_overrides.csv"
    overrides.write_text("outcome,domain,decision,reason\nsevere infection,risk of bias,not serious,blinded "
                         "outcome assessment\n", encoding="utf-8")
    row = grade.summary_of_findings(mscteach.load("outcomes"), mscteach.load("clinical_studies"),
                                    overrides=grade.read_overrides(overrides)).set_index("outcome").loc[
        "severe infection"]
    assert row["judged"] == "risk of bias (override); inconsistency; indirectness; imprecision"
    assert row["assumed"] == "publication bias"
    assert row["certainty"] == "⊕⊕⊕◯ Moderate"


@pytest.mark.parametrize("sources, says", [
    (["the review (Cirrhosis)"] * 4, "the review"),
    (["abstract of ref 26 (data/source/x.md)"] * 4, "the sources file"),
    (["the review (Cirrhosis)"] * 2 + ["abstract of ref 30 (data/source/x.md)"] * 2, "the review and the sources file"),
])
def test_where_the_counts_come_from(sources, says):
    outcomes, clinical = _table([(10, 500, 40, 500), (12, 500, 45, 500)], ["RCT", "RCT"])
    row = grade.summary_of_findings(outcomes.assign(source=sources), clinical).iloc[0]
    assert row["counts_from"] == says
    assert grade.summary_of_findings(outcomes, clinical).iloc[0]["counts_from"] == "not stated"  # no source column
