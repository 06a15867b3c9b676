"""Every reader returns the same Transcript: metadata, turns with speakers, offsets into the body."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from conftest import word_document

from qualcode.errors import QualcodeError
from qualcode.transcripts import load_participants, load_transcripts, read_transcript


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


def spans_ok(t) -> None:
    for turn in t.turns:
        assert t.body[turn.start:turn.end] == turn.text


def test_markdown_front_matter_turns_and_timestamps(tmp_path):
    p = write(tmp_path / "Interview One.md", """---
id: mps-01
participant: P01
group: MPS
role: MPS legislation lead
date: 2025-03-04
site: north
---
# Interview with the legislation lead

[00:00:05] Interviewer: Welcome.
**Alex:** First line of the answer
continues here.

A second paragraph, same turn.
Alex [00:12:31]: Another turn — with an em dash and café.
Interviewer: Thanks: that's all.
""")
    t = read_transcript(p)
    assert t.id == "mps-01" and t.group == "MPS" and t.role == "MPS legislation lead"
    assert t.metadata["site"] == "north" and t.participant == "P01"
    assert [x.speaker for x in t.turns] == ["Interviewer", "Alex", "Alex", "Interviewer"]
    assert t.turns[0].timestamp == "00:00:05" and t.turns[2].timestamp == "00:12:31"
    assert t.turns[1].text == "First line of the answer\ncontinues here.\n\nA second paragraph, same turn."
    assert t.turns[3].text == "Thanks: that's all."
    assert [x.is_interviewer for x in t.turns] == [True, False, False, True]
    assert "[00:12:31]" not in t.turns[2].text and "#" not in "".join(x.text for x in t.turns)
    spans_ok(t)


def test_sentence_with_colon_is_not_a_speaker(tmp_path):
    t = read_transcript(write(tmp_path / "a.txt", "Interviewer: Why?\nSam: The problem was this: nobody paid.\n"
                                                    "The real issue was simple: money.\nInterviewer: Thanks.\n"))
    assert [x.speaker for x in t.turns] == ["Interviewer", "Sam", "Interviewer"]
    assert "The real issue was simple: money." in t.turns[1].text


def test_front_matter_speakers_list_is_authoritative(tmp_path):
    t = read_transcript(write(tmp_path / "a.md", "---\nspeakers: [Q, respondent 4]\ninterviewers: [Q]\n---\n"
                                                  "Q: Hello?\nrespondent 4: Note: this is one turn.\n"))
    assert [x.speaker for x in t.turns] == ["Q", "respondent 4"]
    assert t.turns[0].is_interviewer and t.turns[1].text == "Note: this is one turn."


def test_text_without_speakers_is_one_turn(tmp_path):
    t = read_transcript(write(tmp_path / "field notes.txt", "Observed the panel meeting.\nIt ran late.\n"))
    assert t.id == "field-notes" and len(t.turns) == 1 and t.turns[0].speaker is None
    spans_ok(t)


def test_crlf_and_bom_are_normalised(tmp_path):
    t = read_transcript(write(tmp_path / "a.txt", "\ufeffInterviewer: Hi\r\nSam: Hello there.\r\n"))
    assert t.body == "Interviewer: Hi\nSam: Hello there.\n"
    assert t.turns[1].text == "Hello there."


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-8-sig"])
def test_unicode_with_bom(tmp_path, codec):
    bom = {"utf-16-be": codecs.BOM_UTF16_BE}.get(codec, b"")
    p = tmp_path / "a.txt"
    p.write_bytes(bom + "Interviewer: Ça va?\nSam: Très bien — 😀 merci.\n".encode(codec))
    t = read_transcript(p)
    assert t.turns[1].text == "Très bien — 😀 merci."
    spans_ok(t)


def test_undecodable_names_file_line_and_fix(tmp_path):
    p = tmp_path / "latin.txt"
    p.write_bytes("Interviewer: Hi\nSam: caf\u00e9\n".encode("cp1252"))
    with pytest.raises(QualcodeError) as err:
        read_transcript(p)
    message = str(err.value)
    assert "latin.txt" in message and "line 2" in message and "--encoding" in message
    t = read_transcript(p, encoding="cp1252")
    assert t.turns[1].text == "café"


def test_webvtt_voice_tags_merge_consecutive_cues(tmp_path):
    p = write(tmp_path / "teams.vtt", """WEBVTT

NOTE recorded on Teams

a1-1
00:00:01.000 --> 00:00:03.000
<v Jane Smith>Hello, thanks for</v>

a1-2
00:00:03.000 --> 00:00:05.000
<v Jane Smith>having me &amp; my notes.</v>

a1-3
00:01:05.500 --> 00:01:07.000
<v Interviewer>Let's begin.</v>

a1-4
00:01:08.000 --> 00:01:09.000
<v.loud Jane Smith><i>Right.</i></v>
""")
    t = read_transcript(p)
    assert [x.speaker for x in t.turns] == ["Jane Smith", "Interviewer", "Jane Smith"]
    assert t.turns[0].text == "Hello, thanks for having me & my notes."
    assert t.turns[0].timestamp == "00:00:01" and t.turns[1].timestamp == "00:01:05"
    assert t.turns[1].is_interviewer and t.turns[2].text == "Right."
    spans_ok(t)


def test_zoom_vtt_name_prefix_and_srt(tmp_path):
    zoom = write(tmp_path / "zoom.vtt", "WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\nInterviewer: Ready?\n\n"
                                        "2\n00:00:02.500 --> 00:00:04.000\nP7: Yes. Go on.\n\n"
                                        "3\n00:00:04.500 --> 00:00:06.000\nP7: I am ready.\n")
    t = read_transcript(zoom)
    assert [(x.speaker, x.text) for x in t.turns] == [("Interviewer", "Ready?"), ("P7", "Yes. Go on. I am ready.")]
    srt = write(tmp_path / "call.srt", "1\n00:00:01,000 --> 00:00:02,000\nInterviewer: Ready?\n\n"
                                       "2\n00:00:02,500 --> 00:00:04,000\nDr Okafor: Yes, and\nmore on a second line.\n")
    t = read_transcript(srt)
    assert [(x.speaker, x.text) for x in t.turns] == [("Interviewer", "Ready?"), ("Dr Okafor", "Yes, and more on a second line.")]
    spans_ok(t)


def test_name_and_time_lines_open_turns(tmp_path):
    """Otter's and Teams' exports put the name and a time on a line of their own, the words below
    (no colon after the name); Word's Transcribe puts the time first."""
    otter = read_transcript(write(tmp_path / "otter.txt", "Speaker 1  0:03\nSo how long have you worked here?\n\n"
                                                          "Priya Shah  1:00:07\nAbout six years.\nIt was at 10:30\n"
                                                          "that it changed.\n\nSpeaker 1  1:00:15\nOkay.\n"))
    assert [(x.speaker, x.timestamp, x.text) for x in otter.turns] == [
        ("Speaker 1", "0:03", "So how long have you worked here?"),
        ("Priya Shah", "1:00:07", "About six years.\nIt was at 10:30\nthat it changed."),
        ("Speaker 1", "1:00:15", "Okay."),
    ]
    spans_ok(otter)
    word = read_transcript(write(tmp_path / "word.txt", "Interview with a nurse\n\n00:00:00 Speaker 1\nHello.\n\n"
                                                        "00:00:05 Speaker 2\nWe are understaffed.\n\n"
                                                        "00:00:09 Speaker 1\nSince when?\n"))
    assert [(x.speaker, x.text) for x in word.turns] == [
        (None, "Interview with a nurse"), ("Speaker 1", "Hello."), ("Speaker 2", "We are understaffed."),
        ("Speaker 1", "Since when?")]
    teams = word_document(tmp_path / "teams.docx", "Ready?", "Lee, Amy   0:03", "Thanks for joining.",
                          "Kofi Mensah   0:07", "No problem.", "Lee, Amy   0:12", "Good.")
    assert [(x.speaker, x.text) for x in read_transcript(teams).turns] == [
        ("Interviewer", "Ready?"), ("Lee, Amy", "Thanks for joining."), ("Kofi Mensah", "No problem."),
        ("Lee, Amy", "Good.")]
    tldv = read_transcript(write(tmp_path / "tldv.md", "## Meeting\n\n**Priya Shah** (00:00:07)\nHello there.\n\n"
                                                       "**Sam** (00:00:12)\nHi. We waited.\n\n**Priya Shah** (00:00:15)\nOh?\n"))
    assert [(x.speaker, x.timestamp, x.text) for x in tldv.turns] == [
        ("Priya Shah", "00:00:07", "Hello there."), ("Sam", "00:00:12", "Hi. We waited."), ("Priya Shah", "00:00:15", "Oh?")]
    # A bare time before `Name:` (Zoom's chat and caption text) is the turn's time, not its name.
    zoom = read_transcript(write(tmp_path / "zoom.txt", "00:00:05 Jo Bloggs: Hello.\n00:00:09 Sam: Hi.\n"
                                                        "00:00:12 Jo Bloggs: Good.\n"))
    assert [(x.speaker, x.timestamp, x.text) for x in zoom.turns] == [("Jo Bloggs", "00:00:05", "Hello."),
                                                                       ("Sam", "00:00:09", "Hi."),
                                                                       ("Jo Bloggs", "00:00:12", "Good.")]
    # A name opens two such lines in a conversation; field notes' time log is words.
    for notes in ("Observed the panel.\nMonday 10:30\nIt ran late.\n",
                  "Monday 10:30\nObserved the panel.\n\nTuesday 09:00\nIt ran late.\n",
                  "10:30 Arrival: the panel was late.\n10:45 Break: tea.\n"):
        t = read_transcript(write(tmp_path / "notes.txt", notes))
        assert len(t.turns) == 1 and t.turns[0].speaker is None, notes


def test_docx_bold_and_plain_labels_and_tables(tmp_path):
    path = word_document(tmp_path / "charity.docx", "How did it start?", "Robin: Slowly. We had no referrals.",
                         "Then they came all at once.", "", table=[("Interviewer", "And now?"), ("Robin:", "Better.")])
    t = read_transcript(path)
    assert [(x.speaker, x.text) for x in t.turns] == [
        ("Interviewer", "How did it start?"),
        ("Robin", "Slowly. We had no referrals.\n\nThen they came all at once."),
        ("Interviewer", "And now?"),
        ("Robin", "Better."),
    ]
    spans_ok(t)


def test_docx_reads_as_word_shows_it_with_changes_accepted(tmp_path):
    """A transcript corrected with Track Changes on: insertions in, deletions and moved-away
    text out, in paragraphs, table cells and content controls; a style's tab stops are no tab."""
    import docx
    from docx.oxml import parse_xml

    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    stamp = 'w:author="Transcriber" w:date="2024-01-01T00:00:00Z"'

    def runs(*xml):  # each element with the namespace declared on its opening tag
        return [parse_xml(x.replace(">", f" {w}>", 1)) for x in xml]

    d = docx.Document()
    p = d.add_paragraph("Interviewer: We ")
    for el in runs(f'<w:ins w:id="1" {stamp}><w:r><w:t xml:space="preserve">really </w:t></w:r></w:ins>',
                   f'<w:del w:id="2" {stamp}><w:r><w:delText xml:space="preserve">never </w:delText></w:r></w:del>',
                   '<w:r><w:t>waited.</w:t></w:r>',
                   f'<w:moveFrom w:id="3" {stamp}><w:r><w:t xml:space="preserve"> Moved away.</w:t></w:r></w:moveFrom>'):
        p._p.append(el)
    p._p.insert(0, parse_xml(f'<w:pPr {w}><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr>'))
    d.add_paragraph("Sam: Yes")._p.append(runs('<w:r><w:br/><w:t>on a new line.</w:t></w:r>')[0])
    # A text box (a logo's caption, say): Word keeps it twice, in mc:Choice and mc:Fallback.
    box = ('<mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" {w}>'
           '<mc:Choice Requires="wps"><w:r><w:txbxContent><w:p><w:r><w:t>Transcribed by Acme</w:t></w:r></w:p>'
           '</w:txbxContent></w:r></mc:Choice><mc:Fallback><w:r><w:txbxContent><w:p><w:r><w:t>Transcribed by Acme'
           '</w:t></w:r></w:p></w:txbxContent></w:r></mc:Fallback></mc:AlternateContent>').format(w=w)
    d.paragraphs[-1]._p.append(parse_xml(box))
    d.add_paragraph().add_run("Interviewer: Then?")
    body = d.element.body
    body.insert(len(body) - 1, parse_xml(  # before the section properties, as Word puts it
        f'<w:sdt {w}><w:sdtContent><w:p><w:r><w:t>Sam: Inside a content control.</w:t></w:r></w:p></w:sdtContent></w:sdt>'))
    table = d.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "Interviewer"
    table.cell(0, 1).paragraphs[0]._p.append(
        runs(f'<w:ins w:id="4" {stamp}><w:r><w:t>Anything else?</w:t></w:r></w:ins>')[0])
    d.save(tmp_path / "tracked.docx")
    t = read_transcript(tmp_path / "tracked.docx")
    assert [(x.speaker, x.text) for x in t.turns] == [
        ("Interviewer", "We really waited."), ("Sam", "Yes\non a new line."), ("Interviewer", "Then?"),
        ("Sam", "Inside a content control."), ("Interviewer", "Anything else?")]
    spans_ok(t)


def test_bracketed_names_of_diarising_speech_to_text(tmp_path):
    """WhisperX and tools built on it write the diarised speaker in brackets, "[SPEAKER_00]: ",
    in subtitles and text, often after a time; the brackets are not part of the name."""
    srt = read_transcript(write(tmp_path / "wx.srt", "1\n00:00:00,031 --> 00:00:04,512\n[SPEAKER_00]: Thanks for coming.\n\n"
                                                     "2\n00:00:05,100 --> 00:00:11,020\n[SPEAKER_01]: No problem.\n\n"
                                                     "3\n00:00:11,300 --> 00:00:15,800\n[SPEAKER_01]: Six years now.\n"))
    assert [(x.speaker, x.text) for x in srt.turns] == [("SPEAKER_00", "Thanks for coming."),
                                                        ("SPEAKER_01", "No problem. Six years now.")]
    txt = read_transcript(write(tmp_path / "wx.txt", "[SPEAKER_00]: Thanks for coming.\n[SPEAKER_01]: No problem.\n"
                                                     "Six years now.\n[SPEAKER_00]: Good.\n"))
    assert [(x.speaker, x.text) for x in txt.turns] == [
        ("SPEAKER_00", "Thanks for coming."), ("SPEAKER_01", "No problem.\nSix years now."), ("SPEAKER_00", "Good.")]
    spans_ok(txt)
    timed = read_transcript(write(tmp_path / "wx-timed.txt", "[00:00] [SPEAKER_00]: Thanks.\n[00:05] [SPEAKER_01]: Hi.\n"))
    assert [(x.speaker, x.timestamp, x.text) for x in timed.turns] == [("SPEAKER_00", "00:00", "Thanks."),
                                                                       ("SPEAKER_01", "00:05", "Hi.")]
    # WhisperX's .txt writes a line per stretch of audio and cuts sentences between lines: one
    # voice's lines in a row are one turn, as captions' cues are; a line with no voice goes on.
    cut = read_transcript(write(tmp_path / "wx-cut.txt", "[SPEAKER_00]: Thanks for talking\n[SPEAKER_00]: to me.\n"
                                                         "[SPEAKER_01]: I have worked in the\n[SPEAKER_01]: borough for years.\n"
                                                         "a line with no voice\n[SPEAKER_00]: Good.\n"))
    assert [(x.speaker, x.text) for x in cut.turns] == [
        ("SPEAKER_00", "Thanks for talking to me."), ("SPEAKER_01", "I have worked in the borough for years. a line with no voice"),
        ("SPEAKER_00", "Good.")]
    spans_ok(cut)
    # whisper's console writes each stretch's times first: they are not words.
    console = read_transcript(write(tmp_path / "console.txt", "[00:00.000 --> 00:04.000]  Thanks for talking to\n"
                                                             "[00:04.000 --> 00:07.500]  me. I have worked here.\n"))
    assert [(x.speaker, x.text) for x in console.turns] == [(None, "Thanks for talking to me. I have worked here.")]
    # One time before an ordinary "Name:" is a transcript's own form, read as before.
    timed_names = read_transcript(write(tmp_path / "hs.txt", "[00:00:05] Speaker 1: So?\n[00:00:09] Speaker 2: Yes.\n"))
    assert [(x.speaker, x.timestamp, x.text) for x in timed_names.turns] == [("Speaker 1", "00:00:05", "So?"),
                                                                             ("Speaker 2", "00:00:09", "Yes.")]
    # Brackets that are not a name before a colon stay text.
    for text in ("[Laughter] Yes: that was it.\n", "[00:10]: the time alone\n", "[ ]: nothing\n"):
        t = read_transcript(write(tmp_path / "odd.txt", text))
        assert [(x.speaker, x.text) for x in t.turns] == [(None, text.strip())], text


NOSCRIBE_LIKE = """<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.0//EN">
<html><head><meta charset="UTF-8" /><title>Interview 7</title><style type="text/css">p { font-size: 0.9em; }</style></head>
<body><div class="WordSection1"><p style="font-weight: 600">Interview 7</p>
<p><span style="color: #909090">Transcribed with a speech-to-text tool<br />Audio file: interview7.mp3</span></p>
<p><a name="ts_1_S00">S00: <span style="color: #78909C">[00:00:02]</span> How did the orders</a><a name="ts_2_S00">
 start?</a></p><p><a name="ts_3_S01">S01: <span>[00:00:05]</span> Slowly &amp; unevenly.</a></p>
<p><a name="ts_4_S00">S00: <span>[00:00:09]</span> Why?</a></p></div><script>var p = "<p>S02: no</p>";</script></body></html>
"""


def test_html_as_noscribe_and_browsers_show_it(tmp_path):
    """noScribe, made for qualitative research, saves HTML by default: a paragraph a turn, the
    words in anchors and spans. Blocks are paragraphs, <br> a line break, white space one space;
    the head, styles and scripts are no text."""
    t = read_transcript(write(tmp_path / "interview-7.html", NOSCRIBE_LIKE))
    assert t.format == "html"
    assert [(x.speaker, x.timestamp, x.text) for x in t.turns] == [
        (None, None, "Interview 7\n\nTranscribed with a speech-to-text tool\nAudio file: interview7.mp3"),
        ("S00", "00:00:02", "How did the orders start?"), ("S01", "00:00:05", "Slowly & unevenly."),
        ("S00", "00:00:09", "Why?")]
    spans_ok(t)
    page = read_transcript(write(tmp_path / "page.htm", "<h1>Focus group</h1><ul><li>Moderator: Ready?</li>"
                                                        "<li>Ana: Yes,<br>quite.</li></ul>"))
    assert [(x.speaker, x.text, x.is_interviewer) for x in page.turns] == [
        (None, "Focus group", False), ("Moderator", "Ready?", True), ("Ana", "Yes,\nquite.", False)]
    sloppy = read_transcript(write(tmp_path / "sloppy.html", "<html><head><title>T</title><body><p>Q: Why?<p>A: Because."))
    assert [(x.speaker, x.text) for x in sloppy.turns] == [("Q", "Why?"), ("A", "Because.")]  # head never closed


def test_the_cache_gives_what_reading_gives(tmp_path):
    """Read again from the cache, every kind of text file is what reading it gave: one laid out
    as turns (its body is not the end of the file), CRLF, UTF-16, front matter, HTML."""
    folder = tmp_path / "transcripts"
    write(folder / "wx.txt", "[SPEAKER_00]: Thanks for talking\n[SPEAKER_00]: to me.\n[SPEAKER_01]: Yes.\n")
    write(folder / "crlf.txt", "---\r\ngroup: CPS\r\n---\r\nInterviewer: Hi?\r\nP1: Hello.\r\n")
    write(folder / "wide.txt", "\ufeffInterviewer: Hi?\nP1: Hello.\n", encoding="utf-16-le")
    write(folder / "page.html", "<p>Interviewer: Hi?</p><p>P1: Hello.</p>")
    fresh = load_transcripts(folder, cache_dir=tmp_path / "cache")
    again = load_transcripts(folder, cache_dir=tmp_path / "cache")
    assert (tmp_path / "cache").exists() and fresh == again
    assert [t.turns[0].text for t in again] == ["Hi?", "Hi?", "Hi?", "Thanks for talking to me."]


def test_interviewers_given_as_one_text(tmp_path):
    """Which diarised speaker is the interviewer differs from file to file: a participants.csv
    cell or a front matter text names them ("SPEAKER_00", "[SPEAKER_00]", "A; B"), not letters."""
    folder = tmp_path / "transcripts"
    write(folder / "a.txt", "[SPEAKER_00]: How long?\n[SPEAKER_01]: Six years.\n[SPEAKER_00]: And I?\n")
    write(folder / "b.txt", "---\ninterviewers: \"[SPEAKER_01]; Sam\"\n---\n[SPEAKER_01]: How long?\n"
                            "[SPEAKER_00]: Six years.\nSam: Thanks.\n")
    write(folder / "c.srt", "1\n00:00:01,000 --> 00:00:02,000\n[SPEAKER_00]: Ready?\n\n"
                            "2\n00:00:03,000 --> 00:00:04,000\n[SPEAKER_01]: Yes.\n")
    write(folder / "participants.csv", "file,speaker,participant,group,interviewers\na.txt,,,YOS,SPEAKER_00\n"
                                       "c.srt,,,CPS,[SPEAKER_00]\nc.srt,[SPEAKER_01],P8,CPS,\n")
    ts = {t.id: t for t in load_transcripts(folder)}
    assert [(x.speaker, x.is_interviewer) for x in ts["a"].turns] == [
        ("SPEAKER_00", True), ("SPEAKER_01", False), ("SPEAKER_00", True)]
    assert [(x.speaker, x.is_interviewer, x.participant) for x in ts["c"].turns] == [
        ("SPEAKER_00", True, None), ("SPEAKER_01", False, "P8")]
    assert [(x.speaker, x.is_interviewer) for x in ts["b"].turns] == [
        ("SPEAKER_01", True), ("SPEAKER_00", False), ("Sam", True)]


def test_numbered_and_named_interviewers_are_interviewers(tmp_path):
    """Two interviewers are "Interviewer 1" and "Interviewer 2", or "I1", "Int.", "Interviewer
    (JS)": all the interviewer's, never coded or quoted; a participant's label stays theirs."""
    t = read_transcript(write(tmp_path / "two.txt", "Interviewer 1: How long?\nP1: Six years.\nI2: Where?\n"
                                                    "Respondent 1: Here.\nInterviewer (JS): Thanks.\nInt.: Bye.\n"
                                                    "Ian: Bye.\nInterviewer (JS): Done.\nIV: And?\nInterviewer B: Last?\nP A: No.\n"))
    assert [(x.speaker, x.is_interviewer) for x in t.turns] == [
        ("Interviewer 1", True), ("P1", False), ("I2", True), ("Respondent 1", False),
        ("Interviewer (JS)", True), ("Int.", True), ("Ian", False), ("Interviewer (JS)", True), ("IV", True), ("Interviewer B", True), ("P A", False)]
    # Named in qualcode.yaml or front matter, the same.
    sam = read_transcript(write(tmp_path / "sam.txt", "Sam 2: Ready?\nLee: Yes.\n"), interviewers=["Sam"])
    assert [x.is_interviewer for x in sam.turns] == [True, False]


def test_participants_csv_and_focus_group_speakers(tmp_path):
    folder = tmp_path / "transcripts"
    write(folder / "fg.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Moderator>Hello all.</v>\n\n"
                             "00:00:02.000 --> 00:00:03.000\n<v Ana>From the YOT side, worried.</v>\n\n"
                             "00:00:03.000 --> 00:00:04.000\n<v Ben>From CPS, less so.</v>\n")
    write(folder / "cps-02.srt", "1\n00:00:01,000 --> 00:00:02,000\nInterviewer: Hi\n\n2\n00:00:03,000 --> 00:00:04,000\nChris: Hello.\n")
    write(folder / "participants.csv", "file,id,speaker,participant,group,role\n"
                                       "fg.vtt,focus-1,,,,\n"
                                       "fg.vtt,,Ana,P11,YOS,YOS practitioner\n"
                                       "fg.vtt,,Ben,P12,CPS,CPS lawyer\n"
                                       "cps-02.srt,,,P7,CPS,CPS senior prosecutor\n")
    ts = {t.id: t for t in load_transcripts(folder)}
    assert set(ts) == {"focus-1", "cps-02"}
    assert ts["cps-02"].group == "CPS" and ts["cps-02"].role == "CPS senior prosecutor"
    fg = ts["focus-1"]
    assert [(x.speaker, x.participant, x.group) for x in fg.turns] == [
        ("Moderator", None, None), ("Ana", "P11", "YOS"), ("Ben", "P12", "CPS")]
    assert fg.turns[0].is_interviewer


def test_participants_csv_as_a_spreadsheet_saves_it(tmp_path):
    """Excel's way: a BOM, capitalised headers, 'Transcript' for the file, ';' between cells
    (where ',' is the decimal mark) or tabs; other columns keep their names as attributes."""
    folder = tmp_path / "transcripts"
    write(folder / "staff-01.txt", "Interviewer: Hi.\nJo: Hello.\n")
    write(folder / "user-01.txt", "Interviewer: Hi.\nSam: Hello.\n")
    for header, sep in (("\ufeffTranscript;Participant;Group;Age band", ";"), ("File name\tPARTICIPANT\tGroup\tAge band", "\t")):
        write(folder / "participants.csv", f"{header}\nstaff-01{sep}Jo{sep}STAFF{sep}40-49\n"
                                           f"user-01.txt{sep}Sam{sep}USERS{sep}20-29\n")
        ts = {t.id: t for t in load_transcripts(folder)}
        assert (ts["staff-01"].group, ts["staff-01"].participant) == ("STAFF", "Jo")
        assert ts["user-01"].group == "USERS" and ts["user-01"].metadata["Age band"] == "20-29"


def test_participants_yaml(tmp_path):
    folder = tmp_path / "t"
    write(folder / "participants.yaml", "call.srt: {participant: P3, group: HO, role: analyst}\n")
    assert load_participants(folder).lookup("call.srt")[0] == {"participant": "P3", "group": "HO", "role": "analyst"}
    write(folder / "participants.yaml", "- {File: call.srt, Participant: P3, Group: HO, Age band: 30-39}\n")
    assert load_participants(folder).lookup("call.srt")[0] == {"participant": "P3", "group": "HO", "Age band": "30-39"}


def test_duplicate_ids_across_files_are_refused(tmp_path):
    folder = tmp_path / "transcripts"
    write(folder / "a.md", "---\nid: same\n---\nInterviewer: a\n")
    write(folder / "b.md", "---\nid: same\n---\nInterviewer: b\n")
    with pytest.raises(QualcodeError, match="also used by"):
        load_transcripts(folder)


def test_bundled_example_loads_with_real_metadata():
    from conftest import REPO

    ts = load_transcripts(REPO / "transcripts", REPO)
    assert len(ts) == 10
    assert {t.group for t in ts} == {"MPS", "HO", "CPS", "YOS", "CHARITY"}
    vtt = [t for t in ts if t.format == "vtt"]
    assert vtt and vtt[0].role == "MPS local team sergeant"
    for t in ts:
        spans_ok(t)
        words = len(t.body.split())
        assert 800 <= words <= 2000, (t.id, words)


def test_a_participants_row_for_no_file_and_a_transcript_without_a_group_are_warned(mini):
    from conftest import run

    (mini / "transcripts" / "cps-02.vtt").write_text("WEBVTT\n\n00:00.000 --> 00:01.000\n<v Sam>Hello there.\n")
    (mini / "transcripts" / "participants.csv").write_text("file,participant,group\ncps-2.vtt,P9,CPS\n")
    r = run("status", project=mini)
    assert r.exit_code == 0, r.output
    assert "participants.csv:2: 'cps-2.vtt' is no transcript (did you mean 'cps-02.vtt'?)" in r.output
    assert "transcripts/cps-02.vtt: no stakeholder group; add 'group:'" in r.output


def test_a_header_block_is_metadata_not_turns(mini, tmp_path):
    import docx

    from conftest import run

    (mini / "transcripts" / "ward-03.txt").write_text(
        "Project: Ward feedback\nDate: 2024-05-01\nLocation: St Mary's, Ward 4\n\n"
        "Interviewer: How was your stay?\n\nPatient: Long. The nurses were kind though.\n\n"
        "Interviewer: Anything else?\n\nPatient: The food was cold.\n", encoding="utf-8")
    d = docx.Document()
    d.add_paragraph("Interview: patient 04")
    d.add_paragraph("Interviewer: How was your stay?")
    d.add_paragraph("Patient: Short, thankfully.")
    d.save(mini / "transcripts" / "ward-04.docx")
    from qualcode.transcripts import load_transcripts

    by_id = {t.id: t for t in load_transcripts(mini / "transcripts", mini)}
    txt, word = by_id["ward-03"], by_id["ward-04"]
    assert txt.metadata["project"] == "Ward feedback" and txt.metadata["location"] == "St Mary's, Ward 4"
    assert [t.speaker for t in txt.turns] == ["Interviewer", "Patient", "Interviewer", "Patient"]
    assert word.metadata["interview"] == "patient 04" and [t.speaker for t in word.turns] == ["Interviewer", "Patient"]
    # a first turn by a speaker called like a header word is still a turn: it is a sentence
    (mini / "transcripts" / "p5.txt").write_text("Participant: I think the orders help.\n\nInterviewer: Why?\n\n"
                                                 "Participant: They give structure.\n", encoding="utf-8")
    p5 = {t.id: t for t in load_transcripts(mini / "transcripts", mini)}["p5"]
    assert [t.speaker for t in p5.turns] == ["Participant", "Interviewer", "Participant"]
    assert run("status", project=mini).exit_code == 0
