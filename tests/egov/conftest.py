"""Material the e-government tests build for themselves: edXML packages written by hand, as a
sender's system would, around the seed directive's files (tests/documents/files.py)."""

from __future__ import annotations

import base64
from xml.sax.saxutils import escape

import pytest

from tests.documents.files import docx_of, pdf_of, seed_text

__all__ = ["DOCX_TYPE", "PDF_TYPE", "docx_of", "edxml_package", "pdf_of", "seed_text"]

NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"


def edxml_package(
    attachments: list[tuple[str, str, bytes]],
    *,
    subject: str = "Kết luận của Trưởng Ban Chỉ đạo 389 tỉnh tại hội nghị sơ kết 9 tháng năm 2020",
    sender: tuple[str, str] = ("000.00.31.H33", "Ủy ban nhân dân tỉnh Kiên Giang"),
    recipients: tuple[tuple[str, str], ...] = (
        ("000.31.01.H33", "Sở Công Thương tỉnh Kiên Giang"),
    ),
    number: str = "245",
    notation: str = "TB-VPUBND",
    date: str = "2020/10/07",
    type_name: str = "Thông báo",
    document_id: str = "000.00.31.H33,2020/10/07,245/TB-VPUBND",
    header: bool = True,
    doctype: str = "",
    raw_payload: dict[str, str] | None = None,
) -> bytes:
    """A package as the exchange's gateways write it: the envelope, then each attachment in
    base64 under AttachmentEncoded, matched to the manifest by ContentId."""
    tos = "".join(
        f"<edXML:To><edXML:OrganId>{o}</edXML:OrganId><edXML:OrganName>{escape(n)}</edXML:OrganName>"
        f"<edXML:OrganizationInCharge>{escape(n)}</edXML:OrganizationInCharge></edXML:To>"
        for o, n in recipients
    )
    message_header = f"""
      <edXML:MessageHeader>
        <edXML:From><edXML:OrganId>{sender[0]}</edXML:OrganId>
          <edXML:OrganizationInCharge>{escape(sender[1])}</edXML:OrganizationInCharge>
          <edXML:OrganName>{escape(sender[1])}</edXML:OrganName></edXML:From>
        {tos}
        <edXML:DocumentId>{document_id}</edXML:DocumentId>
        <edXML:Code><edXML:CodeNumber>{number}</edXML:CodeNumber>
          <edXML:CodeNotation>{notation}</edXML:CodeNotation></edXML:Code>
        <edXML:PromulgationInfo><edXML:Place>Kiên Giang</edXML:Place>
          <edXML:PromulgationDate>{date}</edXML:PromulgationDate></edXML:PromulgationInfo>
        <edXML:DocumentType><edXML:Type>1</edXML:Type>
          <edXML:TypeName>{type_name}</edXML:TypeName></edXML:DocumentType>
        <edXML:Subject>{escape(subject)}</edXML:Subject>
        <edXML:Content>Thông báo kết luận hội nghị sơ kết</edXML:Content>
        <edXML:SignerInfo><edXML:Competence>TL. CHỦ TỊCH</edXML:Competence>
          <edXML:Position>CHÁNH VĂN PHÒNG</edXML:Position>
          <edXML:FullName>Trần Văn Bình</edXML:FullName></edXML:SignerInfo>
        <edXML:DueDate>2020/12/31</edXML:DueDate>
      </edXML:MessageHeader>"""
    references = "".join(
        f"<edXML:Reference><edXML:ContentId>cid:{i}</edXML:ContentId>"
        f"<edXML:ContentType>{ctype}</edXML:ContentType>"
        f"<edXML:AttachmentName>{escape(name)}</edXML:AttachmentName></edXML:Reference>"
        for i, (name, ctype, _data) in enumerate(attachments)
    )
    payloads = raw_payload or {}
    encoded = "".join(
        f"<Attachment><ContentId>cid:{i}</ContentId><AttachmentName>{escape(name)}</AttachmentName>"
        f"<ContentType>{ctype}</ContentType><edXML:ContentTransferEncoded>"
        f"{payloads.get(name, base64.b64encode(data).decode())}</edXML:ContentTransferEncoded>"
        "</Attachment>"
        for i, (name, ctype, data) in enumerate(attachments)
    )
    head = f"<edXML:edXMLHeader>{message_header}</edXML:edXMLHeader>" if header else ""
    xml = f"""<?xml version="1.0" encoding="UTF-8"?>{doctype}
<edXML xmlns="{NS}" xmlns:edXML="{NS}">
  <edXML:edXMLEnvelope>
    {head}
    <edXML:edXMLBody><edXML:edXMLManifest version="1.0">{references}</edXML:edXMLManifest></edXML:edXMLBody>
  </edXML:edXMLEnvelope>
  <AttachmentEncoded>{encoded}</AttachmentEncoded>
</edXML>"""
    return xml.encode("utf-8")


PDF_TYPE = "application/pdf"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def seed_package() -> bytes:
    text = seed_text()
    return edxml_package(
        [
            ("245-TB-VPUBND.pdf", PDF_TYPE, pdf_of(text)),
            ("245-TB-VPUBND.docx", DOCX_TYPE, docx_of(text)),
        ]
    )
