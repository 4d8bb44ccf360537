"""The domain: records and their fields, dates, and the rules that judge them.

Depends on nothing else in afi but `errors`.
"""
