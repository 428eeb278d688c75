"""The workbooks this tool writes: the form's sheet layout (:mod:`.layout`), rendering (:mod:`.render`), the stamp
(:mod:`.stamp`) and generating many templates at once (:mod:`.generate`)."""
