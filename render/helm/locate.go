package helm

import (
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/prodlint/prodlint/render"
	"gopkg.in/yaml.v3"
)

// fileLocator places every path at line 1 of a file: the archive of a .tgz
// subchart, whose lines are not on disk, or a template before its locator is
// known.
type fileLocator string

// Locate implements render.Locator.
func (f fileLocator) Locate(render.Path) render.Location {
	return render.Location{File: string(f)}.Normalize()
}

// locator maps paths of one rendered template object to template lines.
//
// It walks the path in the object's document of the marked render (the same
// walk as render.FindNode) and returns the template line of the node it
// reaches: the " #@L<n>" marker on the node's rendered line, or, for content
// printed by an action, the template line between the neighbouring markers
// that writes the key, else the action's line (see templateLine). Without a
// marked document it scans the template with its actions blanked (scan.go).
type locator struct {
	t       *tmpl
	kind    string
	ordinal int // index of the object among the template's objects of its kind

	marked *yaml.Node // the object's mapping node in the marked render
	lines  []string   // the marked document's rendered lines

	values *valueSources // the variant's values files, for Related (valuesource.go)
}

// Locate implements render.Locator.
func (l *locator) Locate(p render.Path) render.Location {
	if l.marked != nil {
		if n := render.FindNode(l.marked, p); n != nil {
			if line := l.templateLine(n); line > 0 {
				return l.t.location(line, nodeText(n))
			}
		}
	}
	if line, key := l.t.scan().locate(l.kind, l.ordinal, p); line > 0 {
		return l.t.location(line, key)
	}
	return render.Location{File: l.t.file}.Normalize()
}

// templateLine returns the template line of a node of the marked document,
// or 0 when the document has no markers. A marker ends the output of its
// template line, so a rendered line without a marker was produced by one of
// the template lines after the marker above it, up to the marker below it:
// the one that writes the node's key ("key: {{ toYaml . | nindent 8 }}",
// an action spanning lines), else the last one, whose action (include,
// toYaml, tpl) printed the node.
func (l *locator) templateLine(n *yaml.Node) int {
	i := min(n.Line, len(l.lines)) - 1
	if i < 0 {
		return 0
	}
	if m := firstMarker(l.lines[i]); m > 0 {
		return m
	}
	above, below := 0, 0
	for k := i - 1; k >= 0 && above == 0; k-- {
		above = lastMarker(l.lines[k])
	}
	for k := i + 1; k < len(l.lines) && below == 0; k++ {
		below = firstMarker(l.lines[k])
	}
	hi := below
	if hi == 0 {
		hi = l.t.nextMarkable(above)
	}
	if key := nodeText(n); key != "" {
		for ln := above + 1; ln <= hi; ln++ {
			if l.t.hasKey(ln, key) {
				return ln
			}
		}
	}
	if below > 0 {
		return below
	}
	return above
}

// hasKey reports whether template line n writes key as a mapping key.
func (t *tmpl) hasKey(n int, key string) bool {
	lines := t.sourceLines()
	if key == "" || n < 1 || n > len(lines) {
		return false
	}
	i := keyIndex(lines[n-1], key)
	return i >= 0 && strings.HasPrefix(lines[n-1][i+len(key):], ":")
}

// nextMarkable returns the first markable template line after line n, or
// the last line.
func (t *tmpl) nextMarkable(n int) int {
	t.once.Do(t.split)
	for ln := n + 1; ln <= len(t.markable); ln++ {
		if t.markable[ln-1] {
			return ln
		}
	}
	return len(t.markable)
}

// nodeText is the text a node shows on its line: the key or scalar value.
func nodeText(n *yaml.Node) string {
	if n.Kind == yaml.ScalarNode {
		return n.Value
	}
	return ""
}

// location returns the span of template line n: from the key when the key
// text is on the line, else from the first non-blank character, to the end
// of the line's text.
func (t *tmpl) location(n int, key string) render.Location {
	loc := render.Location{File: t.file, Line: n, EndLine: n}
	lines := t.sourceLines()
	if n < 1 || n > len(lines) {
		return loc.Normalize()
	}
	text := strings.TrimRight(lines[n-1], " \t\r")
	start := len(text) - len(strings.TrimLeft(text, " \t"))
	if i := keyIndex(text, key); i >= 0 {
		start = i
	}
	loc.Col = utf8.RuneCountInString(text[:start]) + 1
	loc.EndCol = utf8.RuneCountInString(text) + 1
	return loc.Normalize()
}

// keyIndex returns the byte offset of key in a template line, preferring
// "key:" and an occurrence that starts a word, or -1.
func keyIndex(text, key string) int {
	if key == "" {
		return -1
	}
	for _, k := range []string{key + ":", key} {
		for from := 0; from < len(text); {
			i := strings.Index(text[from:], k)
			if i < 0 {
				break
			}
			i += from
			if i == 0 || strings.IndexByte(" \t\"'{[,", text[i-1]) >= 0 {
				return i
			}
			from = i + 1
		}
	}
	return -1
}

// sourceLines returns the template's lines, split once.
func (t *tmpl) sourceLines() []string {
	t.once.Do(t.split)
	return t.lines
}

// scan returns the template's blanked form for the fallback scanner.
func (t *tmpl) scan() scanner {
	t.once.Do(t.split)
	return t.blanked
}

func (t *tmpl) split() {
	t.lines = strings.Split(t.src, "\n")
	t.blanked = strings.Split(blank(t.src), "\n")
	t.markable = markable(t.src)
}

// lazy is the part of a tmpl computed on first use.
type lazy struct {
	once     sync.Once
	lines    []string
	blanked  scanner
	markable []bool
}
