"""Superset settings for the serving test only: a throwaway metadata database under SUPERSET_HOME."""

import os

SECRET_KEY = "planwatch-serving-test-only-not-a-secret-0123456789"  # noqa: S105 - a test instance on loopback
SQLALCHEMY_DATABASE_URI = "sqlite:///" + os.path.join(os.environ["SUPERSET_HOME"], "superset.db")
WTF_CSRF_ENABLED = False
TALISMAN_ENABLED = False
# DuckDB files are local files; Superset refuses "unsafe" file-backed databases by default.
PREVENT_UNSAFE_DB_CONNECTIONS = False
