import pytest

from documents.numbers import InvalidDocumentNumber, parse_document_number


@pytest.mark.parametrize(
    "raw, number, doc_type, issuer, symbol",
    [
        ("92/KH-BCĐ389", 92, "KH", "BCĐ389", "KH-BCĐ389"),
        ("381/TB-VPCP", 381, "TB", "VPCP", "TB-VPCP"),
        ("14/QĐ-BCĐ389", 14, "QĐ", "BCĐ389", "QĐ-BCĐ389"),
        (" 195 / qđ-bcđ389 ", 195, "QĐ", "BCĐ389", "QĐ-BCĐ389"),
        ("11554/VPCP-V.I", 11554, "CV", "VPCP", "VPCP-V.I"),
        ("07/CT-UBND", 7, "CT", "UBND", "CT-UBND"),
        ("5/CTr-UBND", 5, "CTr", "UBND", "CTR-UBND"),
    ],
)
def test_parses_number_and_symbol(raw, number, doc_type, issuer, symbol):
    parsed = parse_document_number(raw)
    assert (parsed.number, parsed.doc_type, parsed.issuer_code, parsed.symbol) == (
        number,
        doc_type,
        issuer,
        symbol,
    )


def test_numbers_under_ten_take_a_leading_zero():
    assert str(parse_document_number("7/CT-UBND")) == "07/CT-UBND"


@pytest.mark.parametrize("raw", ["", "KH-BCĐ389", "92/", "0/KH-BCĐ389", "92/KH--BCĐ", "92/KH BCĐ?"])
def test_rejects_malformed_numbers_with_a_message(raw):
    with pytest.raises(InvalidDocumentNumber) as info:
        parse_document_number(raw)
    assert str(info.value)
