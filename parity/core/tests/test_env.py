import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import envbool, envint, envlist, envstr, generated_secret


def test_envbool_reads_the_usual_spellings(monkeypatch):
    monkeypatch.setenv("PARITY_FLAG", "Yes")
    assert envbool("PARITY_FLAG", False) is True
    monkeypatch.setenv("PARITY_FLAG", "0")
    assert envbool("PARITY_FLAG", True) is False


def test_envbool_refuses_a_value_it_cannot_read(monkeypatch):
    monkeypatch.setenv("PARITY_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="PARITY_FLAG"):
        envbool("PARITY_FLAG", False)


def test_envint_refuses_a_non_integer(monkeypatch):
    monkeypatch.setenv("PARITY_N", "ten")
    with pytest.raises(ImproperlyConfigured, match="PARITY_N"):
        envint("PARITY_N", 1)


def test_envlist_splits_on_commas_and_drops_blanks(monkeypatch):
    monkeypatch.setenv("PARITY_HOSTS", "a.example, b.example,,")
    assert envlist("PARITY_HOSTS", []) == ["a.example", "b.example"]


def test_a_secret_can_come_from_a_file(monkeypatch, tmp_path):
    secret = tmp_path / "key"
    secret.write_text("from-file\n")
    monkeypatch.setenv("PARITY_SECRET_FILE", str(secret))
    assert envstr("PARITY_SECRET") == "from-file"


def test_a_generated_secret_is_kept_and_reused(monkeypatch, tmp_path):
    monkeypatch.delenv("PARITY_GEN", raising=False)
    path = tmp_path / "var" / "gen"
    first = generated_secret("PARITY_GEN", path)
    assert len(first) >= 32
    assert generated_secret("PARITY_GEN", path) == first
    assert oct(path.stat().st_mode & 0o777) == "0o600"
