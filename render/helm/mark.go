package helm

import (
	"regexp"
	"strconv"
	"strings"
)

// markerPrefix starts the line markers of the marked render: " #@L12" is
// appended to template line 12, so that the rendered YAML carries, as a
// comment, the template line each rendered line came from.
const markerPrefix = "#@L"

// markerRE finds a marker in a rendered line.
var markerRE = regexp.MustCompile(`#@L(\d+)`)

// span is the byte range [start, end) of one template action, delimiters
// included.
type span struct{ start, end int }

// actionSpans returns the actions ({{ ... }}, comments included) of a Go
// template, in order. It follows text/template's lexer closely enough for
// line marking: quoted strings, raw strings and character constants may hold
// "}}", and comments end at "*/}}". An unterminated action runs to the end.
func actionSpans(src string) []span {
	var spans []span
	for i := 0; i < len(src); {
		j := strings.Index(src[i:], "{{")
		if j < 0 {
			break
		}
		start := i + j
		end := actionEnd(src, start+2)
		spans = append(spans, span{start, end})
		i = end
	}
	return spans
}

// actionEnd returns the offset just after the "}}" that closes the action
// whose body starts at i.
func actionEnd(src string, i int) int {
	body := i
	if strings.HasPrefix(src[body:], "- ") || strings.HasPrefix(src[body:], "-\t") || strings.HasPrefix(src[body:], "-\n") {
		body += 2
	}
	if strings.HasPrefix(src[body:], "/*") {
		if k := strings.Index(src[body+2:], "*/"); k >= 0 {
			if e := strings.Index(src[body+2+k:], "}}"); e >= 0 {
				return body + 2 + k + e + 2
			}
		}
		return len(src)
	}
	for k := i; k < len(src); k++ {
		switch src[k] {
		case '"', '\'':
			k = quotedEnd(src, k)
		case '`':
			if e := strings.IndexByte(src[k+1:], '`'); e >= 0 {
				k += e + 1
			} else {
				return len(src)
			}
		case '}':
			if strings.HasPrefix(src[k:], "}}") {
				return k + 2
			}
		}
	}
	return len(src)
}

// quotedEnd returns the offset of the quote that closes the string or
// character constant opened at i (or of the end of line, where the lexer
// would stop with an error).
func quotedEnd(src string, i int) int {
	q := src[i]
	for k := i + 1; k < len(src); k++ {
		switch src[k] {
		case '\\':
			k++
		case q, '\n':
			return k
		}
	}
	return len(src)
}

// lineInfo describes one template line for marking: its byte range and
// whether it starts and ends outside every action.
type lineInfo struct {
	start, end int // end excludes the newline
	outside    bool
}

// templateLines splits src into lines and marks which ones start and end
// outside the template's actions.
func templateLines(src string) []lineInfo {
	spans := actionSpans(src)
	var lines []lineInfo
	s := 0
	for start := 0; start <= len(src); {
		end := strings.IndexByte(src[start:], '\n')
		if end < 0 {
			end = len(src)
		} else {
			end += start
		}
		for s < len(spans) && spans[s].end <= start {
			s++
		}
		lines = append(lines, lineInfo{start: start, end: end, outside: !within(spans[s:], start) && !within(spans[s:], end)})
		if end == len(src) {
			break
		}
		start = end + 1
	}
	return lines
}

// within reports whether offset o is strictly inside one of spans (the
// first byte of an action is outside it, the byte after it too).
func within(spans []span, o int) bool {
	for _, sp := range spans {
		if sp.start >= o {
			return false
		}
		if o < sp.end {
			return true
		}
	}
	return false
}

// markable reports, for each line of a template, whether the marked render
// appends a marker to it: the line starts and ends outside an action, is not
// blank, and does not end in a right-trimming action ("-}}"), which would
// glue the marker to the value.
func markable(src string) []bool {
	lines := templateLines(src)
	out := make([]bool, len(lines))
	for n, l := range lines {
		body := strings.TrimRight(src[l.start:l.end], " \t\r")
		out[n] = l.outside && body != "" && !strings.HasSuffix(body, "-}}")
	}
	return out
}

// mark appends " #@L<n>" to every markable line n of a template.
func mark(src string) string {
	var b strings.Builder
	b.Grow(len(src) + len(src)/4)
	ok := markable(src)
	for n, text := range strings.Split(src, "\n") {
		if n > 0 {
			b.WriteByte('\n')
		}
		if !ok[n] {
			b.WriteString(text)
			continue
		}
		cr := strings.HasSuffix(text, "\r")
		b.WriteString(strings.TrimSuffix(text, "\r"))
		b.WriteString(" " + markerPrefix + strconv.Itoa(n+1))
		if cr {
			b.WriteByte('\r')
		}
	}
	return b.String()
}

// blank replaces every action of a template with spaces, keeping newlines,
// so that the text that remains keeps its line and column positions (the
// trim-and-scan fallback).
func blank(src string) string {
	b := []byte(src)
	for _, sp := range actionSpans(src) {
		for i := sp.start; i < sp.end && i < len(b); i++ {
			if b[i] != '\n' {
				b[i] = ' '
			}
		}
	}
	return string(b)
}

// firstMarker returns the template line of the first marker in a rendered
// line, or 0.
func firstMarker(line string) int {
	m := markerRE.FindStringSubmatch(line)
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// lastMarker returns the template line of the last marker in a rendered
// line, or 0.
func lastMarker(line string) int {
	ms := markerRE.FindAllStringSubmatch(line, -1)
	if ms == nil {
		return 0
	}
	n, _ := strconv.Atoi(ms[len(ms)-1][1])
	return n
}

// stripMarkers removes the markers (and the blanks before them) from a
// rendered scalar, for values the marker landed in (block scalars, quoted
// strings that span lines).
var stripRE = regexp.MustCompile(`[ \t]*#@L\d+`)

func stripMarkers(s string) string {
	if !strings.Contains(s, markerPrefix) {
		return s
	}
	return stripRE.ReplaceAllString(s, "")
}
