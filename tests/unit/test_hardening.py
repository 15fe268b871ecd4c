"""Production settings in .streamlit/config.toml and the deployment guide (issue 8)."""

import subprocess
import tomllib
from pathlib import Path

from pax import config

ROOT = Path(__file__).resolve().parents[2]
CONFIG = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
GUIDE = (ROOT / "docs" / "deployment.md").read_text(encoding="utf-8")


def test_nothing_is_reported_or_shown_to_viewers_that_should_not_be():
    assert CONFIG["browser"]["gatherUsageStats"] is False
    assert CONFIG["client"]["showErrorDetails"] == "none"
    assert CONFIG["client"]["toolbarMode"] == "viewer"
    assert CONFIG["client"]["showErrorLinks"] is False


def test_server_limits_and_protections():
    server = CONFIG["server"]
    assert server["enableXsrfProtection"] is True and server["enableCORS"] is True
    assert server["enableAgentApi"] is False
    assert server["maxUploadSize"] == int(config.get("PAX_IMPORT_MAX_MB", {}))
    assert 0 < server["maxMessageSize"] < 200  # below Streamlit's default


def test_no_secrets_file_is_tracked():
    tracked = subprocess.run(
        ["git", "ls-files", "*secrets.toml"], cwd=ROOT, capture_output=True, text=True
    ).stdout
    assert tracked.strip() == ""
    assert ".streamlit/secrets.toml" in (ROOT / ".gitignore").read_text(encoding="utf-8")


def test_the_guide_names_the_endpoints_to_block_and_the_shared_cookie_secret():
    for endpoint in ("/_stcore/metrics", "/_stcore/script-health-check", "/_stcore/agent/"):
        assert f"location = {endpoint}" in GUIDE or f"location ^~ {endpoint}" in GUIDE
    assert "proxy_set_header Upgrade" in GUIDE and "ip_hash" in GUIDE
    assert "cookie_secret" in GUIDE and "same" in GUIDE
    assert "docs/deployment.md" in (ROOT / "README.md").read_text(encoding="utf-8")
