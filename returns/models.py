"""Return and exchange requests: built by the returns issue."""
