"""Bytes that are not UTF-8: what is wrong and where, how they are shown, and converting them."""

from __future__ import annotations

import pytest

from editor.core.document.encoding import (
    ConversionError,
    convert,
    display_text,
    exact_diff,
    guess_encodings,
    hex_dump,
    inspect_bytes,
)

LATIN1 = "---\nid: latin\ntitle: Caf\xe9\n---\nBody \xe9t\xe9.\n".encode("latin-1")


def test_utf8_text_has_no_problem():
    assert inspect_bytes(b"---\nid: a\n---\n") is None
    assert inspect_bytes("\ufeff---\ntitle: Café\n---\n".encode()) is None
    assert inspect_bytes(b"") is None


def test_one_latin1_byte_is_named_with_its_line_and_offset():
    problem = inspect_bytes(LATIN1)
    assert (problem.kind, problem.line, problem.offset, problem.byte) == ("not-utf8", 3, 24, 0xE9)
    assert LATIN1[problem.offset] == 0xE9
    assert problem.convertible and problem.code == "not-utf8"
    assert problem.describe() == "not UTF-8: line 3, byte offset 24 (byte 0xE9)"
    # shown as it is: the byte as \xNN, never a replacement character
    assert display_text(LATIN1, problem) == "---\nid: latin\ntitle: Caf\\xe9\n---\nBody \\xe9t\\xe9.\n"


def test_nul_bytes_make_a_binary_file_that_is_never_converted():
    data = b"---\nid: x\n---\nbody\x00\x01\x02\xff\xfe and more"
    problem = inspect_bytes(data)
    assert (problem.kind, problem.line, problem.offset, problem.byte) == ("binary", 4, 18, 0)
    assert not problem.convertible and problem.code == "binary-file"
    assert "NUL byte" in problem.where
    with pytest.raises(ConversionError, match="binary"):
        convert(data, "latin-1")
    dump = display_text(data, problem)
    assert dump.startswith("00000000  2d 2d 2d 0a") and "\x00" not in dump


def test_a_long_binary_file_shows_its_first_bytes_only():
    data = bytes(range(256)) * 40
    dump = hex_dump(data)
    assert dump.count("\n") == 4096 // 16 + 1 and "10,240 in all" in dump


def test_control_bytes_without_nul_are_binary_too():
    data = bytes([1, 2, 3, 4, 5, 6, 7, 0x80, 0x81]) * 50
    assert inspect_bytes(data).kind == "binary"


def test_utf16_text_is_text_in_another_encoding():
    text = "---\nid: x\ntitle: Héllo\n---\nbody\n"
    for data in (text.encode("utf-16"), text.encode("utf-16-le")):
        problem = inspect_bytes(data)
        assert problem.kind == "utf16" and problem.convertible
        assert display_text(data, problem) == text
        assert guess_encodings(data)[0].startswith("utf-16")
        plan = convert(data, guess_encodings(data)[0])
        assert plan.new == text.encode("utf-8")


def test_conversion_plan_counts_the_bytes_and_diffs_the_text():
    plan = convert(LATIN1, "cp1252", "latin1.md")
    assert plan.new == "---\nid: latin\ntitle: Café\n---\nBody été.\n".encode()
    assert (plan.changed_bytes, plan.changed_places, plan.changed_lines) == (3, 3, (3, 5))
    assert "-title: Caf\\xe9\n+title: Café\n" in plan.diff
    assert "-Body \\xe9t\\xe9.\n+Body été.\n" in plan.diff
    assert " id: latin\n" in plan.diff  # unchanged lines are context, not changes
    assert "3 bytes in 3 places on 2 lines" in plan.summary
    assert plan.old == LATIN1  # planning writes nothing, and keeps the original for undo


def test_guesses_list_only_encodings_that_read_the_bytes():
    guesses = guess_encodings(LATIN1)
    assert "cp1252" in guesses and "latin-1" in guesses and "utf-16" not in guesses[:1]
    sjis = "---\ntitle: 日本語のテキスト\n---\n本文です。\n".encode("shift_jis")
    assert convert(sjis, "shift_jis").new == "---\ntitle: 日本語のテキスト\n---\n本文です。\n".encode()
    with pytest.raises(ConversionError, match="line 2"):
        convert(sjis, "ascii")


def test_a_utf8_bom_before_latin1_bytes_is_kept():
    data = b"\xef\xbb\xbf---\ntitle: Caf\xe9\n---\n"
    problem = inspect_bytes(data)
    assert problem.offset == data.index(b"\xe9")
    plan = convert(data, "latin-1")
    assert plan.new == b"\xef\xbb\xbf---\ntitle: Caf\xc3\xa9\n---\n" and plan.changed_bytes == 1


def test_exact_diff_hides_no_byte_change():
    assert exact_diff(b"same\n", b"same\n") == ""
    typed = exact_diff(LATIN1, LATIN1.replace(b"Body", b"xBody"))
    assert "-Body \\xe9t\\xe9.\n+xBody \\xe9t\\xe9.\n" in typed  # the undecodable bytes are shown as they are
    endings = exact_diff(b"a\r\nb\r\n", b"a\r\nb\n")
    assert "-b␍\n+b\n" in endings and " a␍\n" in endings
    assert "\\ No newline at end of file" in exact_diff(b"a\nb\n", b"a\nb")
    assert exact_diff(b"a\n", b"\xef\xbb\xbfa\n").startswith("# the byte order mark (BOM) at the start of the file "
                                                           "is added")
    look_alike = exact_diff(b"Caf\xe9\n", b"Caf\\xe9\n")
    assert look_alike.startswith("# the bytes differ from byte offset 3")
