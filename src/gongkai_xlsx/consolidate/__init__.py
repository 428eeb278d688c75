"""Consolidation: merging an inbox against the roster (:mod:`.merge`), what the commands write from it
(:mod:`.run`), the consolidated workbook (:mod:`.workbook` with :mod:`.content_sheets`, :mod:`.status_sheets`,
:mod:`.styles`, :mod:`.indicators`, :mod:`.coverage`) and its export as one tidy table (:mod:`.export`)."""
