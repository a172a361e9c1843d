"""The command line's HTTP client: query strings as the API expects them, and a multipart upload
streamed from the file that a form parser reads back whole."""

from __future__ import annotations

from email.parser import BytesParser
from email.policy import HTTP
from pathlib import Path

from trainops.api_client import _multipart, _query


def test_query_strings_write_booleans_lists_and_leave_out_none() -> None:
    assert _query({"a": True, "b": None, "c": [1, 2], "d": "x y"}) == "a=true&c=1&c=2&d=x+y"
    assert _query(None) == ""


def test_a_multipart_upload_reads_back_as_the_file(tmp_path: Path) -> None:
    path = tmp_path / 'naïve "rows".csv'
    content = "id,name\r\n1,Åsa\r\n" * 5000  # several chunks
    path.write_text(content, encoding="utf-8")
    with path.open("rb") as handle:
        content_type, length, chunks = _multipart({"file": (path.name, handle)})
        body = b"".join(chunks)
    assert len(body) == length
    message = BytesParser(policy=HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body
    )
    (part,) = list(message.iter_parts())
    assert part.get_param("name", header="content-disposition") == "file"
    assert part.get_filename() == path.name
    assert part.get_payload(decode=True) == content.encode("utf-8")


def test_https_still_verifies_with_ssl_loaded_on_first_use() -> None:
    """``ssl`` is a stand-in until first read (issue 14): an https server still gets a real,
    verifying TLS context."""
    import ssl

    from trainops.api_client import Api, Credentials

    connection = Api(Credentials("https://trainops.example", "tro_x"))._connect()
    context = connection._context  # type: ignore[attr-defined]
    assert isinstance(context, ssl.SSLContext)
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
