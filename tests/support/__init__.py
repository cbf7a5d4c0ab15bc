"""Helpers shared by the tests: routes, the conversation layer, Pilot, the terminal, forms.

Test modules import helpers from here only, never from one another.
"""
