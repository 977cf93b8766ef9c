"""edXML packages (QCVN 102:2016/BTTTT): read one that arrives, write one to send.

A package is one XML document: `edXML` (namespace QCVN_NS) holding `edXMLEnvelope`, whose
`edXMLHeader/MessageHeader` says who sends it to whom and what the document is (number, symbol,
date, type, subject, signer), and whose `edXMLBody/edXMLManifest` lists the attachments
(`Reference`: ContentId, ContentType, AttachmentName); the attachments' bytes travel
base64-encoded under `AttachmentEncoded/Attachment/ContentTransferEncoded`. Some exchange gateways
zip each attachment before encoding it; a one-file zip around a file is unwrapped.

Packages come from outside: the XML is parsed with defusedxml (no DTD, so no entity expansion or
external entity), after a size check, and every attachment is size-checked before it is decoded.
Anything wrong raises EdxmlError with a message for the person importing it.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import io
import re
import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePath
from xml.etree import ElementTree as ET

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring
from django.utils.translation import gettext as _

from documents.models import DirectiveType
from documents.numbers import DOCUMENT_TYPE_CODES, OFFICIAL_LETTER

QCVN_NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
PREFIX = "edXML"
MAX_ATTACHMENTS = 50
MAX_FIELD_CHARS = 20_000  # a header field longer than this is not a header field

ET.register_namespace(PREFIX, QCVN_NS)

# What a package's DocumentType/TypeName says ("Thông báo"), as the register's types: the
# names are the register's own (Nghị định 30's list in documents.numbers).
_NAMES = {**DOCUMENT_TYPE_CODES, OFFICIAL_LETTER: "Công văn"}
TYPE_NAMES = {_NAMES[code].lower(): code for code in DirectiveType.values}

CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".txt": "text/plain",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".tif": "image/tiff",
    ".tiff": "image/tiff",
    ".xml": "application/xml",
}
EXTENSIONS = {value: key for key, value in reversed(CONTENT_TYPES.items())}


class EdxmlError(Exception):
    """A package we refuse; `message` says why, for the person importing it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Organisation:
    organ_id: str
    name: str = ""
    in_charge: str = ""


@dataclass(frozen=True)
class EdxmlAttachment:
    name: str
    data: bytes
    content_type: str = "application/octet-stream"
    content_id: str = ""
    description: str = ""


@dataclass
class Package:
    sender: Organisation
    subject: str
    recipients: list[Organisation] = field(default_factory=list)
    document_id: str = ""
    code_number: str = ""
    code_notation: str = ""
    place: str = ""
    promulgation_date: dt.date | None = None
    type_code: str = ""
    type_name: str = ""
    content: str = ""
    signer_competence: str = ""
    signer_position: str = ""
    signer_name: str = ""
    due_date: dt.date | None = None
    attachments: list[EdxmlAttachment] = field(default_factory=list)

    @property
    def number_symbol(self) -> str:
        if self.code_number and self.code_notation:
            return f"{self.code_number}/{self.code_notation}"
        return ""

    @property
    def doc_type(self) -> str:
        """The register's type for this document ("" when the package does not say)."""
        return TYPE_NAMES.get(" ".join(self.type_name.lower().split()), "")


# ---- reading


def _local(tag: str) -> tuple[str, str]:
    if tag.startswith("{"):
        namespace, _sep, name = tag[1:].partition("}")
        return namespace, name
    return "", tag


def _is(element: ET.Element, name: str) -> bool:
    """The element's name is `name`, in the QCVN namespace or (as some gateways write the
    attachment part) in none."""
    namespace, local = _local(element.tag)
    return local == name and namespace in (QCVN_NS, "")


def _children(element: ET.Element | None, name: str) -> list[ET.Element]:
    if element is None:
        return []
    return [child for child in element if _is(child, name)]


def _child(element: ET.Element | None, name: str) -> ET.Element | None:
    found = _children(element, name)
    return found[0] if found else None


def _text(element: ET.Element | None, *path: str) -> str:
    for name in path:
        element = _child(element, name)
    if element is None:
        return ""
    text = " ".join("".join(element.itertext()).split()) if len(element) else (element.text or "")
    text = text.strip()
    if len(text) > MAX_FIELD_CHARS:
        raise EdxmlError(_("The package's field %(field)s is too long.") % {"field": path[-1]})
    return text


def _date(value: str, what: str) -> dt.date | None:
    if not value:
        return None
    value = value.strip()
    for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(value[:10], fmt).date()  # noqa: DTZ007 - a date only
        except ValueError:
            continue
    raise EdxmlError(
        _("The package's %(field)s “%(value)s” is not a date.")
        % {"field": what, "value": value[:40]}
    )


def _organisation(element: ET.Element | None) -> Organisation:
    return Organisation(
        organ_id=_text(element, "OrganId"),
        name=_text(element, "OrganName"),
        in_charge=_text(element, "OrganizationInCharge"),
    )


def _cid(value: str) -> str:
    value = value.strip().strip("<>")
    return value[4:] if value.lower().startswith("cid:") else value


def _safe_name(name: str, content_type: str, index: int) -> str:
    name = PurePath(name.replace("\\", "/")).name.strip()
    name = re.sub(r"[\x00-\x1f]", "", name)[:180]
    if not name or name.startswith("."):
        name = f"tep-dinh-kem-{index}{EXTENSIONS.get(content_type, '')}"
    return name


def _unwrap(data: bytes, name: str, max_bytes: int) -> bytes:
    """The file inside a one-file zip that a gateway wrapped around it (not a .docx/.xlsx/.odt,
    which are zips themselves)."""
    if not data.startswith(b"PK\x03\x04") or PurePath(name).suffix.lower() == ".zip":
        return data
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            names = {member.filename for member in members}
            if len(members) != 1 or "[Content_Types].xml" in names or "mimetype" in names:
                return data
            if members[0].file_size > max_bytes:
                raise EdxmlError(
                    _("Attachment “%(name)s” is larger than %(size)s MB.")
                    % {"name": name, "size": max_bytes // (1024 * 1024)}
                )
            inner = archive.read(members[0])
    except (zipfile.BadZipFile, ValueError, RuntimeError, EOFError, OSError):
        return data
    return inner[: max_bytes + 1]


def _attachments(root: ET.Element, body: ET.Element | None, max_bytes: int) -> list:
    references = _children(_child(body, "edXMLManifest"), "Reference")
    encoded: dict[str, ET.Element] = {}
    unnamed: list[ET.Element] = []
    holders = [root, *_children(root, "edXMLEnvelope"), body]
    parts = [
        attachment
        for holder in holders
        for group in _children(holder, "AttachmentEncoded")
        for attachment in _children(group, "Attachment")
    ]
    if len(parts) > MAX_ATTACHMENTS or len(references) > MAX_ATTACHMENTS:
        raise EdxmlError(
            _("The package has more than %(count)s attachments.") % {"count": MAX_ATTACHMENTS}
        )
    for part in parts:
        cid = _cid(_text(part, "ContentId"))
        if cid:
            encoded.setdefault(cid, part)
        else:
            unnamed.append(part)

    listed: list[tuple[dict, ET.Element]] = []
    for reference in references:
        info = {
            "content_id": _cid(_text(reference, "ContentId") or reference.get("ContentId", "")),
            "content_type": _text(reference, "ContentType"),
            "name": _text(reference, "AttachmentName"),
            "description": _text(reference, "Description"),
        }
        content = encoded.pop(info["content_id"], None) if info["content_id"] else None
        if content is None and unnamed and not info["content_id"]:
            content = unnamed.pop(0)
        if content is None:
            raise EdxmlError(
                _("The manifest lists “%(name)s” but the package does not carry its content.")
                % {"name": info["name"] or info["content_id"]}
            )
        listed.append((info, content))
    # Attachments the manifest forgot are still the sender's files: keep them, after the rest.
    for part in [*encoded.values(), *unnamed]:
        listed.append(
            (
                {
                    "content_id": _cid(_text(part, "ContentId")),
                    "content_type": _text(part, "ContentType"),
                    "name": _text(part, "AttachmentName"),
                    "description": "",
                },
                part,
            )
        )

    result = []
    for index, (info, part) in enumerate(listed, start=1):
        content_type = info["content_type"] or _text(part, "ContentType")
        name = _safe_name(info["name"] or _text(part, "AttachmentName"), content_type, index)
        payload = _child(part, "ContentTransferEncoded")
        raw = "".join((payload.text or "").split()) if payload is not None else ""
        if not raw:
            raise EdxmlError(_("Attachment “%(name)s” is empty.") % {"name": name})
        if len(raw) * 3 // 4 > max_bytes:
            raise EdxmlError(
                _("Attachment “%(name)s” is larger than %(size)s MB.")
                % {"name": name, "size": max_bytes // (1024 * 1024)}
            )
        try:
            data = base64.b64decode(raw, validate=True)
        except (binascii.Error, ValueError) as error:
            raise EdxmlError(
                _("Attachment “%(name)s” is not valid base64: the package is damaged.")
                % {"name": name}
            ) from error
        data = _unwrap(data, name, max_bytes)
        if len(data) > max_bytes:
            raise EdxmlError(
                _("Attachment “%(name)s” is larger than %(size)s MB.")
                % {"name": name, "size": max_bytes // (1024 * 1024)}
            )
        result.append(
            EdxmlAttachment(
                name=name,
                data=data,
                content_type=content_type or CONTENT_TYPES.get(PurePath(name).suffix.lower(), ""),
                content_id=info["content_id"],
                description=info["description"],
            )
        )
    return result


def parse_package(data: bytes, *, max_bytes: int, max_attachment_bytes: int) -> Package:
    """Read an edXML package, or raise EdxmlError saying what is wrong with it."""
    if len(data) > max_bytes:
        raise EdxmlError(
            _("The package is larger than %(size)s MB.") % {"size": max_bytes // (1024 * 1024)}
        )
    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as error:
        raise EdxmlError(
            _("The package declares a DTD or XML entities, which edXML never needs: refused.")
        ) from error
    except (ParseError, ValueError) as error:
        raise EdxmlError(
            _("The package is not well-formed XML: %(error)s") % {"error": error}
        ) from error

    namespace, local = _local(root.tag)
    if namespace != QCVN_NS or local not in ("edXML", "edXMLEnvelope"):
        raise EdxmlError(
            _("This is not an edXML package of QCVN 102:2016 (its root element is “%(root)s”).")
            % {"root": local}
        )
    envelope = root if local == "edXMLEnvelope" else _child(root, "edXMLEnvelope")
    header = _child(_child(envelope, "edXMLHeader"), "MessageHeader")
    if header is None:
        raise EdxmlError(_("The package has no edXMLHeader/MessageHeader: it cannot be read."))
    sender = _organisation(_child(header, "From"))
    if not sender.organ_id and not sender.name:
        raise EdxmlError(_("The package does not say who sent it (MessageHeader/From)."))
    subject = _text(header, "Subject")
    if not subject:
        raise EdxmlError(_("The package's document has no subject (MessageHeader/Subject)."))
    return Package(
        sender=sender,
        recipients=[_organisation(to) for to in _children(header, "To")],
        document_id=_text(header, "DocumentId")[:100],
        code_number=_text(header, "Code", "CodeNumber")[:20],
        code_notation=_text(header, "Code", "CodeNotation")[:60],
        place=_text(header, "PromulgationInfo", "Place")[:100],
        promulgation_date=_date(
            _text(header, "PromulgationInfo", "PromulgationDate"), "PromulgationDate"
        ),
        type_code=_text(header, "DocumentType", "Type")[:10],
        type_name=_text(header, "DocumentType", "TypeName")[:60],
        subject=subject,
        content=_text(header, "Content"),
        signer_competence=_text(header, "SignerInfo", "Competence")[:60],
        signer_position=_text(header, "SignerInfo", "Position")[:150],
        signer_name=_text(header, "SignerInfo", "FullName")[:150],
        due_date=_date(_text(header, "DueDate"), "DueDate"),
        attachments=_attachments(root, _child(envelope, "edXMLBody"), max_attachment_bytes),
    )


# ---- writing


def _q(name: str) -> str:
    return f"{{{QCVN_NS}}}{name}"


def _add(parent: ET.Element, name: str, text: str | None = None) -> ET.Element:
    element = ET.SubElement(parent, _q(name))
    if text is not None:
        element.text = text
    return element


def _add_organisation(parent: ET.Element, name: str, organisation: Organisation) -> None:
    element = _add(parent, name)
    _add(element, "OrganId", organisation.organ_id)
    _add(element, "OrganizationInCharge", organisation.in_charge or organisation.name)
    _add(element, "OrganName", organisation.name)


def build_package(package: Package, *, now: dt.datetime | None = None) -> bytes:
    """The package as UTF-8 XML, in the layout parse_package reads (and the exchange's
    gateways write): envelope first, then the attachments' bytes in base64."""
    now = now or dt.datetime.now(dt.UTC)
    root = ET.Element(_q("edXML"))
    envelope = _add(root, "edXMLEnvelope")
    edxml_header = _add(envelope, "edXMLHeader")
    header = _add(edxml_header, "MessageHeader")
    _add_organisation(header, "From", package.sender)
    for recipient in package.recipients:
        _add_organisation(header, "To", recipient)
    _add(header, "DocumentId", package.document_id or str(uuid.uuid4()))
    code = _add(header, "Code")
    _add(code, "CodeNumber", package.code_number)
    _add(code, "CodeNotation", package.code_notation)
    promulgation = _add(header, "PromulgationInfo")
    _add(promulgation, "Place", package.place)
    _add(
        promulgation,
        "PromulgationDate",
        package.promulgation_date.isoformat() if package.promulgation_date else "",
    )
    doc_type = _add(header, "DocumentType")
    # 1: an administrative document (văn bản hành chính), as urging letters and reports are.
    _add(doc_type, "Type", package.type_code or "1")
    _add(doc_type, "TypeName", package.type_name)
    _add(header, "Subject", package.subject)
    _add(header, "Content", package.content)
    signer = _add(header, "SignerInfo")
    _add(signer, "Competence", package.signer_competence)
    _add(signer, "Position", package.signer_position)
    _add(signer, "FullName", package.signer_name)
    if package.due_date:
        _add(header, "DueDate", package.due_date.isoformat())
    trace = _add(_add(edxml_header, "TraceHeaderList"), "TraceHeader")
    _add(trace, "OrganId", package.sender.organ_id)
    _add(trace, "Timestamp", now.strftime("%Y/%m/%d %H:%M:%S"))

    manifest = _add(_add(envelope, "edXMLBody"), "edXMLManifest")
    manifest.set("version", "1.0")
    encoded = _add(root, "AttachmentEncoded")
    for attachment in package.attachments:
        cid = attachment.content_id or str(uuid.uuid4())
        content_type = attachment.content_type or CONTENT_TYPES.get(
            PurePath(attachment.name).suffix.lower(), "application/octet-stream"
        )
        reference = _add(manifest, "Reference")
        _add(reference, "ContentId", f"cid:{cid}")
        _add(reference, "ContentType", content_type)
        _add(reference, "Description", attachment.description)
        _add(reference, "AttachmentName", attachment.name)
        part = _add(encoded, "Attachment")
        _add(part, "ContentId", f"cid:{cid}")
        _add(part, "AttachmentName", attachment.name)
        _add(part, "ContentType", content_type)
        _add(part, "ContentTransferEncoded", base64.b64encode(attachment.data).decode("ascii"))
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
