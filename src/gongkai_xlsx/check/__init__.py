"""Checking reports: verification of returned files (:mod:`.verify`) by the checks of one report
(:mod:`.report_checks`), year-on-year comparison (:mod:`.compare`),
the overview's claims against the tables (:mod:`.narrative`), a report from any file (:mod:`.load`), feedback
workbooks (:mod:`.feedback`) and unsent e-mails (:mod:`.drafts`)."""
