"""Checking reports: verification of returned files (:mod:`.verify`) by the checks of one report
(:mod:`.report_checks`), year-on-year comparison (:mod:`.compare`),
the overview's claims against the tables (:mod:`.narrative`) and feedback workbooks (:mod:`.feedback`)."""
