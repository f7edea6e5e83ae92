"""Builders and fakes that the tests share; never imported by production code."""
