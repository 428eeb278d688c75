"""Consolidation: merging an inbox against the roster (:mod:`.merge`), the consolidated workbook (:mod:`.workbook`)
and its export as one tidy table (:mod:`.export`)."""
