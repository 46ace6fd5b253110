"""Facts that engine code once keyed on a provider's name are fields of the row, read the same way for every row."""

from __future__ import annotations

from langchain_doctor import notebook, smoke
from langchain_doctor.knowledge.providers import BY_NAME, PROVIDERS


def test_a_key_read_names_the_first_row_that_is_used_when_its_key_is_read() -> None:
    for p in PROVIDERS:
        for var in p.key_vars:
            expected = [q.name for q in PROVIDERS if var in q.key_vars and q.used_when_key_read][:1]
            assert notebook._providers_reading(var) == expected
    assert notebook._providers_reading("OPENAI_API_KEY") == ["openai"]
    assert not BY_NAME["azure-openai"].used_when_key_read
    assert notebook._providers_reading("AZURE_OPENAI_API_KEY") == []


def test_the_smoke_default_model_comes_from_construct_only_when_the_row_says_it_is_real() -> None:
    assert smoke._default_model(BY_NAME["azure-openai"]) is None
    assert smoke._default_model(BY_NAME["openai"])
    for p in PROVIDERS:
        if not p.construct_model_is_default:
            assert smoke._default_model(p) is None
