package helm

import (
	"strconv"
	"strings"
	"testing"

	"github.com/prodlint/prodlint/render"
	"gopkg.in/yaml.v3"
)

// FuzzMark checks the Helm template line mapper on arbitrary template text:
// the marker pass (mark, markable, actionSpans, blank), the marker readers,
// the trim-and-scan fallback and the locator over a marked document. It must
// never panic; mark must only append " #@L<n>" to line n (before a CR) and
// keep every line; blank must keep the length and every newline; action
// spans must be ordered and inside the text; every location must name the
// template and a line it has.
//
// Seeds: testdata/fuzz/FuzzMark. Run for real with
//
//	go test -run '^$' -fuzz '^FuzzMark$' -fuzztime 5m ./render/helm
func FuzzMark(f *testing.F) {
	for _, s := range []struct{ src, path string }{
		{"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: {{ .Values.image | quote }}\n", "spec.template.spec.containers[name=web].image"},
		{"{{- if .x }}\nb: 1\n{{- end }}", "b"},
		{"a: {{ include \"x\" (dict\n  \"k\" 1) }}\nb: 2", "a"},
		{"{{/* one\ntwo */}}\nc: 1", "c"},
		{"a: {{ \"{{\" }}\nb: {{ \"}}\" }}\nc: '{{'", "c"},
		{"a: {{ `x\n}}y` }}\nb: 1\r\n", "b"},
		{"{{- range .x -}}\n- {{ . }}\n{{ end }}", "[0]"},
		{"kind: Service\n---\nkind: Service\nspec:\n  ports:\n  - name: http #@L9\n", "spec.ports[name=http]"},
		{"a: {{ 'x' }}\nb: {{ '\\'' }}\n{{", "b"},
		{"{{- /* unterminated", ""},
	} {
		f.Add(s.src, s.path)
	}
	f.Fuzz(func(t *testing.T, src, p string) {
		if len(src) > 32<<10 {
			return
		}
		lines := strings.Split(src, "\n")
		ok := markable(src)
		if len(ok) != len(lines) {
			t.Fatalf("markable: %d lines, want %d", len(ok), len(lines))
		}
		m := mark(src)
		mlines := strings.Split(m, "\n")
		if len(mlines) != len(lines) {
			t.Fatalf("mark changed the number of lines: %d, want %d", len(mlines), len(lines))
		}
		for i, l := range lines {
			want := l
			if ok[i] {
				cr := ""
				if strings.HasSuffix(l, "\r") {
					cr = "\r"
				}
				want = strings.TrimSuffix(l, "\r") + " " + markerPrefix + strconv.Itoa(i+1) + cr
				if !strings.Contains(l, markerPrefix) && lastMarker(mlines[i]) != i+1 {
					t.Fatalf("line %d %q: last marker %d", i+1, mlines[i], lastMarker(mlines[i]))
				}
			}
			if mlines[i] != want {
				t.Fatalf("mark: line %d = %q, want %q", i+1, mlines[i], want)
			}
		}
		prev := 0
		for _, sp := range actionSpans(src) {
			if sp.start < prev || sp.end <= sp.start || sp.end > len(src) || !strings.HasPrefix(src[sp.start:], "{{") {
				t.Fatalf("action span %+v after %d in %d bytes", sp, prev, len(src))
			}
			prev = sp.end
		}
		b := blank(src)
		if len(b) != len(src) {
			t.Fatalf("blank: %d bytes, want %d", len(b), len(src))
		}
		for i := range src {
			if (src[i] == '\n') != (b[i] == '\n') {
				t.Fatalf("blank moved a newline at %d", i)
			}
		}
		if !strings.Contains(src, markerPrefix) && stripMarkers(m) != stripTrailing(src, ok) {
			t.Fatalf("stripMarkers(mark(src)) != src")
		}

		path, err := render.ParsePath(p)
		if err != nil {
			path = render.MustPath("spec.template.spec.containers[name=web].image")
		}
		tm := &tmpl{key: "chart/templates/x.yaml", file: "charts/c/templates/x.yaml", src: src}
		for _, kind := range []string{"Deployment", "Service", ""} {
			if line, _ := tm.scan().locate(kind, 1, path); line < 0 || line > len(lines) {
				t.Fatalf("scan.locate(%s) = line %d of %d", kind, line, len(lines))
			}
		}
		// The marked text as if the engine printed it unchanged.
		var doc yaml.Node
		if yaml.Unmarshal([]byte(m), &doc) == nil && len(doc.Content) > 0 {
			stripNode(&doc)
			l := &locator{t: tm, kind: "Deployment", marked: doc.Content[0], lines: mlines}
			for _, q := range []render.Path{path, nil, render.MustPath("metadata.name")} {
				loc := l.Locate(q)
				if loc.File != tm.file || loc.Line < 1 || loc.Line > len(lines) || loc.Col < 1 || loc.EndLine == loc.Line && loc.EndCol <= loc.Col {
					t.Fatalf("Locate(%s) = %+v in a %d-line template", q, loc, len(lines))
				}
			}
		}
	})
}

// stripTrailing removes the blanks that end each marked line (stripMarkers
// removes them together with the marker).
func stripTrailing(src string, marked []bool) string {
	lines := strings.Split(src, "\n")
	for i, l := range lines {
		if marked[i] {
			cr := strings.HasSuffix(l, "\r")
			l = strings.TrimRight(strings.TrimSuffix(l, "\r"), " \t")
			if cr {
				l += "\r"
			}
			lines[i] = l
		}
	}
	return strings.Join(lines, "\n")
}
