"""deploy/nginx.conf is a configuration nginx accepts."""

from __future__ import annotations

import shutil

import pytest

from tests.deploy import nginx

needs_nginx = pytest.mark.skipif(
    nginx.NGINX is None or shutil.which("openssl") is None,
    reason="nginx or openssl is not installed (apt-get install nginx-light openssl)",
)


@needs_nginx
def test_nginx_accepts_the_site_configuration(tmp_path):
    outcome = nginx.check(tmp_path)
    assert outcome.returncode == 0, outcome.stderr
    assert "test is successful" in outcome.stderr


def test_upload_cap_matches_the_app(app):
    text = nginx.SITE.read_text()
    megabytes = app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)
    assert f"client_max_body_size {megabytes}m;" in text
