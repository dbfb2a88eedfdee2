"""Framework-free domain of acuplan: no Django, no HTTP, no database, no clock, no environment.

Time (``as_of``) and settings are always arguments. ``tests/core/test_boundary.py`` enforces this.
"""
