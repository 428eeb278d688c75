"""What a template is and how it is written: the names, cells and checks its sheets share (:mod:`.layout`), each
sheet laid out (:mod:`.tables`, :mod:`.main_sheet`, :mod:`.guide`, assembled by :mod:`.build`), the generic sheet
renderer (:mod:`.sheet_writer`), the template itself (:mod:`.render`), the stamp (:mod:`.stamp`, :mod:`.fingerprint`),
many templates at once (:mod:`.generate`) and the consolidated workbook's sheet names and columns
(:mod:`.consolidated_layout`)."""
