"""Reading the bearer token out of an Authorization header value."""

from __future__ import annotations

import pytest

from samverkan_common.auth import InvalidToken, InvalidTokenReason, bearer_token


@pytest.mark.parametrize(
    "header", ["Bearer abc.def.ghi", "bearer abc.def.ghi", "BEARER abc.def.ghi"]
)
def test_scheme_is_case_insensitive(header: str) -> None:
    assert bearer_token(header) == "abc.def.ghi"


@pytest.mark.parametrize("header", [None, "", "   "])
def test_missing_header_is_refused(header: str | None) -> None:
    with pytest.raises(InvalidToken) as caught:
        bearer_token(header)
    assert caught.value.reason is InvalidTokenReason.MISSING_TOKEN


@pytest.mark.parametrize(
    "header",
    ["Basic dXNlcjpwYXNz", "Bearer", "Bearer a.b.c d.e.f", "Bearera.b.c", "a.b.c", "Token a.b.c"],
)
def test_other_schemes_and_extra_tokens_are_refused(header: str) -> None:
    with pytest.raises(InvalidToken) as caught:
        bearer_token(header)
    assert caught.value.reason is InvalidTokenReason.MALFORMED_AUTHORIZATION
