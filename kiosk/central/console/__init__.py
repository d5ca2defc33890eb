"""The coordinators' web console (/console): sign-in, kiosks, the campaign's counts, enrolment
links, batch file import, the audit log. Metadata only: counts, hours, device states.

Routes (routes.py) only translate; the queries are in accounts, sessions, audit and overview.
"""
