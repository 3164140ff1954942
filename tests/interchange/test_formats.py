from tracker.interchange.formats import CSV, XLSX


def test_the_formats_keep_the_library_titles_the_admin_offers():
    assert [CSV().get_title(), XLSX().get_title()] == ["csv", "xlsx"]
    assert [CSV().get_extension(), XLSX().get_extension()] == ["csv", "xlsx"]


def test_utf8_text_that_is_also_valid_gb18030_is_read_as_utf8():
    data = "code,name_zh\r\nquantum-information,量子信息\r\n".encode()
    assert data.decode("gb18030") != data.decode()  # the same bytes, other characters
    assert CSV().create_dataset(data).dict == [
        {"code": "quantum-information", "name_zh": "量子信息"}
    ]
