import os
import subprocess
import sys

import pytest

from plm import ConfigError, create_app
from tests.conftest import ROOT

pytestmark = pytest.mark.nodb


def test_missing_secret_key_is_a_clear_startup_error(tmp_path, monkeypatch):
    monkeypatch.delenv("PLM_SECRET_KEY", raising=False)
    monkeypatch.setenv("PLM_INSTANCE_PATH", str(tmp_path))
    with pytest.raises(ConfigError, match="SECRET_KEY is not set"):
        create_app()


def test_config_layers_defaults_instance_file_then_env(tmp_path, monkeypatch):
    (tmp_path / "config.py").write_text("SECRET_KEY = 'from-file'\nCONTACT = 'file'\nMAIL_PORT = 2525\n")
    monkeypatch.setenv("PLM_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("PLM_MAIL_PORT", "2626")
    app = create_app()
    assert app.config["SECRET_KEY"] == "from-file"          # instance/config.py over defaults
    assert app.config["MAIL_PORT"] == 2626                   # PLM_* env over the file (parsed as JSON)
    assert app.config["BABEL_DEFAULT_LOCALE"] == "id"       # default kept
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/plm.sqlite3"


def test_env_database_url_and_secret(tmp_path, monkeypatch):
    monkeypatch.setenv("PLM_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("PLM_SECRET_KEY", "from-env")
    monkeypatch.setenv("PLM_SQLALCHEMY_DATABASE_URI", "postgresql+psycopg://u@/db")
    app = create_app()
    assert app.config["SECRET_KEY"] == "from-env"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@/db"
    # Not on every checkout (a round trip per door scan): idle connections are pinged (tests/test_database_ping.py).
    assert "pool_pre_ping" not in app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    assert app.config["DATABASE_PING_AFTER_IDLE_SECONDS"] == 2.0


def test_explicit_config_wins_and_testing_gets_a_dev_key(tmp_path, monkeypatch):
    monkeypatch.setenv("PLM_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("PLM_SECRET_KEY", raising=False)
    app = create_app({"TESTING": True})
    assert app.config["SECRET_KEY"]


def test_wsgi_module_exposes_app(tmp_path):
    env = dict(os.environ, PLM_SECRET_KEY="k", PLM_INSTANCE_PATH=str(tmp_path))
    out = subprocess.run([sys.executable, "-c", "import wsgi; print(wsgi.app.name)"], cwd=ROOT, env=env,
                         capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "plm"
