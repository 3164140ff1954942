import pytest
from django.core.exceptions import ValidationError

from tracker.validators import credit_code_check_character, validate_credit_code

# The worked example printed in GB 32100-2015.
VALID = "91350100M000100Y43"


def error_code(value):
    with pytest.raises(ValidationError) as info:
        validate_credit_code(value)
    return info.value.code, info.value.params


def test_it_accepts_the_standards_worked_example():
    validate_credit_code(VALID)


def test_it_computes_the_check_character_of_the_worked_example():
    assert credit_code_check_character(VALID[:17]) == "3"


@pytest.mark.parametrize("value", ["", VALID[:17], VALID + "0"])
def test_it_refuses_a_code_of_the_wrong_length_and_names_18(value):
    code, params = error_code(value)
    assert code == "credit_code_length"
    assert params == {"limit": 18, "n": len(value)}


@pytest.mark.parametrize("bad", ["I", "O", "S", "V", "Z", "a", "-"])
def test_it_refuses_a_character_outside_the_alphabet_and_names_its_position(bad):
    value = VALID[:9] + bad + VALID[10:]
    assert error_code(value) == ("credit_code_character", {"position": 10, "char": bad})


def test_it_refuses_an_unknown_registering_authority():
    assert error_code("B" + VALID[1:])[0] == "credit_code_authority"


def test_it_refuses_letters_in_the_division_code():
    assert error_code(VALID[:3] + "A" + VALID[4:])[0] == "credit_code_region"


def test_it_refuses_a_wrong_check_character_and_says_the_right_one():
    assert error_code(VALID[:17] + "4") == ("credit_code_checksum", {"expected": "3"})


def test_its_messages_name_the_field_in_chinese():
    from django.utils import translation

    with translation.override("zh-hans"), pytest.raises(ValidationError) as info:
        validate_credit_code("123")
    assert "统一社会信用代码" in info.value.messages[0]
    assert "18" in info.value.messages[0]
