"""The only place that knows OOXML: a bounded, defused zip package (:mod:`.package`) and a lazy workbook (:mod:`.workbook`)."""
