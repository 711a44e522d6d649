"""The recall programs are data for tests/test_recall.py, never test modules (a name like *_test.py would be collected)."""

collect_ignore_glob = ["programs/*"]
