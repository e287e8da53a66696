"""The one settings service: values by key, bounded whole numbers, the layouts stores already hold."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from jobloop.services import ServiceError, followups, insights, messages, network, settings

PACKAGE = Path(__file__).resolve().parents[1] / "server" / "jobloop"
GROUP = settings.Numbers("knob", {"a": 3, "b": 7}, {"a": (0, 10), "b": (1, 9)}, key="test.knobs")
SPREAD = settings.Numbers("dial", {"a": 3, "b": 7}, {"a": (0, 10), "b": (1, 9)}, prefix="test.dial.")


def test_values_round_trip_as_json_and_a_missing_key_reads_its_default(db):
    assert settings.get("test.x") is None and settings.get("test.x", {"d": 1}) == {"d": 1}
    settings.put("test.x", {"nested": [1, "två"]})
    assert settings.get("test.x") == {"nested": [1, "två"]}
    settings.put("test.x", "again")  # overwrites, one row
    assert settings.get("test.x") == "again" and settings.get_many(["test.x", "test.y"]) == {"test.x": "again"}
    settings.put("test.x", None)
    assert settings.get("test.x", 5) == 5


def test_put_new_never_replaces_and_forget_removes(db):
    settings.put_new("test.secret", "first")
    settings.put_new("test.secret", "second")
    assert settings.get("test.secret") == "first"
    settings.forget(["test.secret"])
    assert settings.get("test.secret") is None


def test_any_besides_sees_only_other_keys(db):
    settings.forget(["calendar.secret"])  # the one the app made on start
    assert not settings.any_besides(["test.mine"])
    settings.put("test.mine", 1)
    assert not settings.any_besides(["test.mine"])
    assert settings.any_besides(["test.other"])


@pytest.mark.parametrize("value, number", [("12", 12), (" 12 ", 12), ("-0", 0), (12, 12), (12.0, 12)])
def test_whole_numbers_from_forms_and_bodies(value, number):
    assert settings.whole_number(value, "days", 0, 20) == number


@pytest.mark.parametrize("value", ["ten", "", "2.5", 2.5, True, None, [3], "1" * 5000, float("nan")])
def test_anything_else_is_not_a_whole_number(value):
    with pytest.raises(ServiceError) as caught:
        settings.whole_number(value, "days", 0, 20)
    assert caught.value.code == "invalid_number" and caught.value.message.startswith("days: ")
    assert "not a whole number" in caught.value.message


@pytest.mark.parametrize("value", [-1, 21, "21"])
def test_a_whole_number_outside_the_bounds_is_refused_with_them(value):
    with pytest.raises(ServiceError, match="^days: a whole number from 0 to 20$"):
        settings.whole_number(value, "days", 0, 20)


def test_a_group_under_one_key_reads_defaults_and_saves_the_whole_object(db):
    assert GROUP.read() == {"a": 3, "b": 7}
    assert GROUP.save({"b": "2"}) == {"a": 3, "b": 2}
    assert settings.get("test.knobs") == {"a": 3, "b": 2}
    assert GROUP.save({"a": 0}) == {"a": 0, "b": 2}  # 0 is a value (switches a rule off), not "unset"


def test_a_group_one_row_each_saves_only_what_changed(db):
    assert SPREAD.save({"b": 9}) == {"a": 3, "b": 9}
    assert settings.get_many(["test.dial.a", "test.dial.b"]) == {"test.dial.b": 9}


@pytest.mark.parametrize("group", [GROUP, SPREAD], ids=["key", "prefix"])
@pytest.mark.parametrize("bad, code", [({"b": 10}, "invalid_number"), ({"b": "x"}, "invalid_number"),
                                       ({"c": 1}, "unknown_setting")])
def test_one_bad_value_saves_none(db, group, bad, code):
    group.save({"a": 5})
    with pytest.raises(ServiceError) as caught:
        group.save({"a": 6, **bad})
    assert caught.value.code == code
    assert group.read() == {"a": 5, "b": 7}


def test_a_refusal_names_the_group_and_the_setting(db):
    with pytest.raises(ServiceError, match="no warmth called 'lukewarm'; expected one of cold, warm, close"):
        network.set_cadence({"lukewarm": 10})
    with pytest.raises(ServiceError, match=r"^close cadence \(days\): a whole number from 1 to 3650$"):
        network.set_cadence({"close": 0})
    with pytest.raises(ServiceError, match="^no follow-up rule called 'nope'"):
        followups.save_rules({"nope": 1})


@pytest.mark.parametrize("stored", ["seven", {"a": "x", "b": 99}, [1, 2], {"a": True, "b": None}])
def test_a_broken_stored_value_reads_as_the_default(db, stored):
    settings.put("test.knobs", stored)
    for name, value in (stored.items() if isinstance(stored, dict) else []):
        settings.put(f"test.dial.{name}", value)
    assert GROUP.read() == {"a": 3, "b": 7} and SPREAD.read() == {"a": 3, "b": 7}


def test_stores_written_before_the_service_read_the_same(db):
    # The keys and values as followups, network and insights wrote them themselves.
    settings.put("followups.rules", {**followups.DEFAULT_RULES, "check_in_days": 5, "reflection_hour": "8"})
    settings.put("network.cadence_days", {"cold": 100, "warm": 50, "close": 20})
    settings.put("insights.weekly_target", 12)
    assert followups.rules() == {**followups.DEFAULT_RULES, "check_in_days": 5, "reflection_hour": 8}
    assert network.cadence() == {"cold": 100, "warm": 50, "close": 20}
    assert insights.targets() == {"weekly_target": 12, "in_flight_target": 5}


def test_the_services_store_the_keys_and_values_they_always_did(db):
    followups.save_rules({"feedback_days": "4"})
    assert settings.get("followups.rules") == {**followups.DEFAULT_RULES, "feedback_days": 4}
    network.set_cadence({"warm": 45})
    assert settings.get("network.cadence_days") == {"cold": 120, "warm": 45, "close": 30}
    insights.set_targets(in_flight_target="6")
    assert settings.get_many(["insights.weekly_target", "insights.in_flight_target"]) == {
        "insights.in_flight_target": 6}
    assert messages.save_signature("  Kim Doe\n" + "x" * 600) == "Kim Doe\n" + "x" * 492
    assert settings.get("messages.signature") == messages.signature() and len(messages.signature()) == 500


def test_a_group_is_declared_with_one_layout_and_bounds_for_every_number():
    with pytest.raises(ValueError):
        settings.Numbers("knob", {"a": 1}, {"a": (0, 2)})
    with pytest.raises(ValueError):
        settings.Numbers("knob", {"a": 1}, {"a": (0, 2)}, key="k", prefix="p.")
    with pytest.raises(ValueError):
        settings.Numbers("knob", {"a": 1, "b": 2}, {"a": (0, 2)}, key="k")


# The export and import (transfer.py) copy the table whole, as they copy every table.
SETTING_MODEL_USERS = {"models.py", "services/settings.py", "services/transfer.py"}


def test_only_the_settings_service_reads_and_writes_the_setting_table():
    users = set()
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text())
        if any(isinstance(node, ast.Name) and node.id == "Setting" for node in ast.walk(tree)):
            users.add(str(path.relative_to(PACKAGE)))
    assert users == SETTING_MODEL_USERS
