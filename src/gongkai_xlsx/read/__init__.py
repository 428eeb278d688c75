"""Reading what comes back: an inbox's files (:mod:`.intake`), returned templates (:mod:`.returned`, :mod:`.values`),
workbooks not made from the template (:mod:`.labels`) and consolidated workbooks (:mod:`.consolidated`)."""
