"""The test suite (pytest); shared fixtures are in conftest.py."""
