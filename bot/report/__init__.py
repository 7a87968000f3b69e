"""What the usage log says, for the plan's owners: the tables of ``soudan report``.

One module a job: ``queries`` reads the log (SQL), ``tables`` counts it into the tables,
``words`` finds the words of unanswered questions (Sudachi, or character pairs without
it), ``render`` lays the tables out for a terminal or for Excel. Days are counted in
Settings.tz (Japan time unless TZ says otherwise, as the log lines). "Returned" means
among the top five results of an answer, which is what the store keeps.
"""

from bot.report.render import render_csv, render_table
from bot.report.rows import JST, AnswerRow, Table
from bot.report.tables import build_report

__all__ = ["JST", "AnswerRow", "Table", "build_report", "render_csv", "render_table"]
