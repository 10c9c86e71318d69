"""Test impact analysis: run only the tests a change can affect (see `testselect.run`)."""
