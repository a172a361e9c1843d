"""L1-L4 and resource formulas and scorecards on small hand-computed fixtures."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Literal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.evaluation import (
    EffectStudyDefined,
    ExamResult,
    GradedItem,
    ProgramRecord,
    SessionRecord,
    SurveyResponse,
    course_coverage,
    effect,
    grade_exam,
    learning,
    normalise,
    reaction,
)
from domain.ratings import Rating, Thresholds
from domain.reference import (
    CourseDefined,
    InstructorDefined,
    ProgramResourcesAssigned,
    Question,
    VenueDefined,
)
from domain.refusals import DomainError
from domain.roi import BenefitLine, CostLine
from domain.scorecards import KpiInputs, scorecards


def program(
    pid: str = "p1",
    attendees: tuple[str, ...] = ("a", "b", "c", "d"),
    *,
    executed: bool = True,
    specialist: str = "spec",
    held_hours: tuple[float, ...] = (3.0,),
) -> ProgramRecord:
    return ProgramRecord(
        program_id=pid,
        specialist=specialist,
        department="sales",
        period="2027-Q1",
        planned_date=date(2027, 2, 1),
        status="closed" if executed else "published",
        approved=True,
        executed=executed,
        on_time=executed,
        enrolled=(*attendees, "z"),
        attendees=attendees,
        sessions=tuple(
            SessionRecord(
                session_id=f"s{n}",
                starts_at=datetime(2027, 1, 20 + n, 9, tzinfo=UTC),
                hours=hours,
                held=True,
                period="2027-Q1",
            )
            for n, hours in enumerate(held_hours)
        ),
    )


def test_normalise_likert() -> None:
    assert normalise(4, 1, 5) == 75
    assert normalise(90) == 90
    with pytest.raises(ValueError, match="outside its scale 1-5"):
        normalise(6, 1, 5)


def test_reaction_by_hand() -> None:
    surveys = [
        SurveyResponse(program_id="p1", trainee="a", scores={"overall": 80, "content": 70}),
        SurveyResponse(program_id="p1", trainee="b", scores={"content": 90, "venue": 100}),
        SurveyResponse(program_id="p1", trainee="x", scores={"overall": 10}),  # did not attend
    ]
    l1 = reaction([program()], surveys)
    # overall: a's 80 and b's mean of dimensions 95 -> 87.5; content 80; venue 100 (n = 1)
    assert l1.overall.mean == 87.5 and l1.overall.n == 2
    assert list(l1.by_dimension) == ["content", "venue"]
    assert l1.by_dimension["content"].mean == 80
    assert l1.by_dimension["venue"].interval is None
    assert (l1.response_rate.successes, l1.response_rate.n) == (2, 4)


def test_grade_exam_and_mastery() -> None:
    course = CourseDefined(
        course_id="c1",
        title="Safety",
        hours=3,
        knowledge_points=("fire", "first aid"),
        questions=(
            Question(question_id="q1", knowledge_point="fire", answer="B"),
            Question(question_id="q2", knowledge_point="fire", answer="C"),
            Question(question_id="q3", knowledge_point="first aid", answer="A"),
            Question(question_id="q4", knowledge_point="first aid", answer="D"),
            Question(question_id="q5", knowledge_point="first aid", answer="call 120"),
        ),
    )
    score, items = grade_exam(course, {"q1": "b", "q2": "A", "q3": "A", "q5": " Call  120 "})
    assert score == 60  # q1, q3, q5 right; q2 wrong; q4 unanswered
    assert [i.correct for i in items] == [True, False, True, False, True]
    with pytest.raises(DomainError, match="q9"):
        grade_exam(course, {"q9": "A"})
    l2 = learning(
        [ExamResult(program_id="p1", trainee=t, score=s) for t, s in (("a", 60), ("b", 59.5))],
        items,
    )
    assert (l2.pass_rate.successes, l2.pass_rate.n) == (1, 2)
    assert (l2.mastery.successes, l2.mastery.n) == (3, 5)
    assert l2.mastery_by_point["fire"].value == 0.5
    assert l2.mastery_by_point["first aid"].value == pytest.approx(2 / 3)


def test_course_coverage() -> None:
    course = CourseDefined(
        course_id="c1", title="t", hours=1, target_trainees=("a", "q"), target_departments=("ops",)
    )
    departments = {"a": "sales", "o1": "ops", "o2": "ops", "q": "sales"}
    ratio, counted = course_coverage(
        course,
        departments,
        [program("p1", ("a", "o1", "b")), program("p2", ("o2",), executed=False)],
        {"p1": "c1", "p2": "c1"},
    )
    # targets a, q, o1, o2; p2 was not executed, so covered = a, o1
    assert (ratio.numerator, ratio.denominator) == (2, 4)
    assert counted == frozenset({"p1"})


def _metrics(trained: list[str], control: list[str]) -> dict[tuple[str, str, str], float]:
    values: dict[tuple[str, str, str], float] = {}
    for n, person in enumerate(trained):
        values[(person, "sales", "pre")] = 100 + n
        values[(person, "sales", "post")] = 125 + 2 * n
    for n, person in enumerate(control):
        values[(person, "sales", "pre")] = 100 + n
        values[(person, "sales", "post")] = 105 + n % 2
    return values


def _study(level: Literal["L3", "L4"]) -> EffectStudyDefined:
    """Program p1's effect on sales, from the "pre" period to the "post" one."""
    return EffectStudyDefined(
        study_id="s1",
        program_id="p1",
        level=level,
        metric="sales",
        pre_period="pre",
        post_period="post",
    )


def test_effect_with_automatic_control_group() -> None:
    trained = [f"t{n}" for n in range(6)]
    control = [f"c{n}" for n in range(6)]
    departments = {p: "sales" for p in trained + control} | {"other": "hr", "z": "sales"}
    study = _study("L3")
    result = effect(study, program("p1", tuple(trained)), _metrics(trained, control), departments)
    assert result.control == tuple(control)  # same department, not enrolled ("z" is enrolled)
    assert result.estimate is not None and result.improvement is not None
    assert result.estimate.trained == 6 and result.estimate.control == 6
    # cell means: trained 102.5 -> 130, control 102.5 -> 105.5: DiD = 27.5 - 3 = 24.5
    assert result.estimate.estimate == pytest.approx(24.5)
    assert result.improvement == pytest.approx(24.5 / 102.5)
    lower = study.model_copy(update={"higher_is_better": False})
    flipped = effect(lower, program("p1", tuple(trained)), _metrics(trained, control), departments)
    assert flipped.improvement == pytest.approx(-result.improvement)


def test_effect_refuses_without_control_group() -> None:
    study = _study("L4")
    result = effect(study, program("p1", ("a", "b")), {}, {})
    assert result.estimate is None and result.improvement is None
    assert result.refusal is not None and "too little data" in result.refusal


def test_scorecards_rate_every_kpi_and_count_headlines() -> None:
    inputs = KpiInputs(
        programs=[program("p1"), program("p2", ("e",), specialist="other")],
        surveys=[
            SurveyResponse(program_id="p1", trainee=t, scores={"overall": 90.0, "content": 80.0})
            for t in ("a", "b", "c")
        ],
        exams=[ExamResult(program_id="p1", trainee=t, score=70) for t in ("a", "b", "c", "d")],
        costs={"p1": [CostLine(category="fees", amount=Decimal("100"))]},
        benefits={"p1": [BenefitLine(value=Decimal("300"))]},
        courses={
            "c1": CourseDefined(course_id="c1", title="t", hours=3, target_trainees=("a", "q"))
        },
        instructors={"i1": InstructorDefined(instructor_id="i1", available_hours={"2027-Q1": 6})},
        venues={"v1": VenueDefined(venue_id="v1", slots={"2027-Q1": 4})},
        assignments={
            "p1": ProgramResourcesAssigned(
                program_id="p1", course_id="c1", instructor_id="i1", venue_id="v1"
            )
        },
    )
    cards = scorecards(inputs, Thresholds.defaults())
    assert [(c.scope, c.name) for c in cards] == [
        ("specialist", "other"),
        ("specialist", "spec"),
        ("department", "sales"),
        ("organisation", "all"),
    ]
    spec = {(k.kpi, k.subject): k for k in cards[1].kpis}
    assert (
        spec[("satisfaction", "")].value == 90
        and spec[("satisfaction", "")].rating is Rating.EXCELLENT
    )
    assert spec[("satisfaction", "content")].headline is False
    assert spec[("exam_pass_rate", "")].value == 1.0
    assert spec[("response_rate", "")].numerator == 3
    assert spec[("roi_percent", "")].value == 200.0
    assert spec[("roi_percent", "")].detail["bcr"] == "3.0000"
    assert spec[("roi_percent", "")].detail["bcr_exact"] == "3"
    assert spec[("roi_percent", "")].exact == "200"
    headline = [k for k in cards[1].kpis if k.headline and k.rating is not Rating.NOT_RATED]
    assert cards[1].rated == len(headline)
    org = {(k.kpi, k.subject): k for k in cards[3].kpis}
    assert org[("course_coverage", "")].value == 0.5  # a of a, q
    assert org[("instructor_utilisation", "i1")].value == 0.5  # 3 of 6 hours
    assert org[("venue_utilisation", "v1")].value == 0.25  # 1 session of 4 slots
    assert cards[3].attainment is not None


@given(
    st.lists(st.tuples(st.sampled_from("abcdefg"), st.floats(0, 100)), max_size=20),
    st.lists(st.floats(0, 100), max_size=20),
)
def test_rates_stay_in_unit_interval(answers: list[tuple[str, float]], scores: list[float]) -> None:
    surveys = [
        SurveyResponse(program_id="p1", trainee=t, scores={"overall": s}) for t, s in answers
    ]
    l1 = reaction([program()], surveys)
    l2 = learning(
        [ExamResult(program_id="p1", trainee="a", score=s) for s in scores],
        [
            GradedItem(question_id=str(n), knowledge_point="k", correct=s >= 50)
            for n, s in enumerate(scores)
        ],
    )
    for p in (l1.response_rate, l2.pass_rate, l2.mastery):
        assert p.value is None or 0 <= p.value <= 1


def test_a_multiple_choice_key_must_be_one_of_its_choices() -> None:
    asked = Question(
        question_id="q1",
        knowledge_point="fire",
        answer=" lower the forks",
        text="Before driving off?",
        choices=("Raise the forks", "Lower the forks"),
    )
    assert asked.text == "Before driving off?"
    with pytest.raises(ValueError, match="not one of its choices"):
        Question(question_id="q1", knowledge_point="fire", answer="C", choices=("A", "B"))
    with pytest.raises(ValueError, match="must not repeat"):
        Question(question_id="q1", knowledge_point="fire", answer="A", choices=("A", " a"))
    course = CourseDefined(course_id="c1", title="T", hours=1, questions=(asked,))
    assert grade_exam(course, {"q1": "Lower the forks"})[0] == 100
