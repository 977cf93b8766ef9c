"""Generated PDFs in the national administrative format (Nghị định 30/2020/NĐ-CP).

One module per document (appendix, overdue, scorecard, urging_letter, consolidated), all laid
out by `layout` and fed by `queries`, the same queries as the screens.
"""
