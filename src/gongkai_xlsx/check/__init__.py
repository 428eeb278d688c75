"""Checking reports: verification of returned files (:mod:`.verify`), year-on-year comparison (:mod:`.compare`),
the overview's claims against the tables (:mod:`.narrative`) and feedback workbooks (:mod:`.feedback`)."""
