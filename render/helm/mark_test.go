package helm

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/prodlint/prodlint/render"
)

func TestMark(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"plain and action lines", "a: 1\nb: {{ .x }}\n", "a: 1 #@L1\nb: {{ .x }} #@L2\n"},
		{"control lines", "{{- if .x }}\nb: 1\n{{- end }}", "{{- if .x }} #@L1\nb: 1 #@L2\n{{- end }} #@L3"},
		{"blank lines stay", "a: 1\n\n  \nb: 2", "a: 1 #@L1\n\n  \nb: 2 #@L4"},
		{"multi-line action", "a: {{ include \"x\" (dict\n  \"k\" 1) }}\nb: 2", "a: {{ include \"x\" (dict\n  \"k\" 1) }}\nb: 2 #@L3"},
		{"multi-line comment", "{{/* one\ntwo */}}\nc: 1", "{{/* one\ntwo */}}\nc: 1 #@L3"},
		{"trimmed comment", "{{- /* one\ntwo */ -}}\nc: 1", "{{- /* one\ntwo */ -}}\nc: 1 #@L3"},
		{"delimiters in strings", "a: {{ \"{{\" }}\nb: {{ \"}}\" }}\nc: 1", "a: {{ \"{{\" }} #@L1\nb: {{ \"}}\" }} #@L2\nc: 1 #@L3"},
		{"raw string across lines", "a: {{ `x\n}}y` }}\nb: 1", "a: {{ `x\n}}y` }}\nb: 1 #@L3"},
		{"right trim glues the next line", "{{- range .x -}}\n- {{ . }}\n{{ end }}", "{{- range .x -}}\n- {{ . }} #@L2\n{{ end }} #@L3"},
		{"CRLF", "a: 1\r\nb: 2\r\n", "a: 1 #@L1\r\nb: 2 #@L2\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := mark(tt.src); got != tt.want {
				t.Errorf("mark(%q) =\n%q\nwant\n%q", tt.src, got, tt.want)
			}
		})
	}
}

func TestBlank(t *testing.T) {
	got := blank("a: {{ .x }}\n{{- if .y }}\nb: 1\n{{ `p\nq` }}z")
	want := "a:         \n            \nb: 1\n     \n     z"
	if got != want {
		t.Errorf("blank = %q, want %q", got, want)
	}
}

func TestMarkers(t *testing.T) {
	if got := firstMarker("  labels: #@L4 #@L5"); got != 4 {
		t.Errorf("firstMarker = %d, want 4", got)
	}
	if got := lastMarker("  labels: #@L4 #@L5"); got != 5 {
		t.Errorf("lastMarker = %d, want 5", got)
	}
	if got := firstMarker("  app: web"); got != 0 {
		t.Errorf("firstMarker = %d, want 0", got)
	}
	if got := stripMarkers("echo hi #@L7\nexit #@L8"); got != "echo hi\nexit" {
		t.Errorf("stripMarkers = %q", got)
	}
}

// The trim-and-scan fallback, used when the marked render fails or a
// document cannot be paired.
func TestScanFallback(t *testing.T) {
	read := func(name string) *tmpl {
		b, err := os.ReadFile(filepath.Join(fixtures(t), "web", "templates", name))
		if err != nil {
			t.Fatal(err)
		}
		return &tmpl{file: "web/templates/" + name, src: string(b)}
	}
	dep, multi := read("deployment.yaml"), read("multi.yaml")
	tests := []struct {
		t         *tmpl
		kind      string
		ordinal   int
		path      string
		line, col int
	}{
		{dep, "Deployment", 0, "spec.replicas", 8, 3},
		{dep, "Deployment", 0, "spec.template.spec.containers[0].image", 23, 11},
		{dep, "Deployment", 0, "spec.template.spec.containers[1]", 37, 9},
		{dep, "Deployment", 0, "spec.template.spec.containers[0].env", 31, 11},
		// Two items with templated names cannot be told apart: the list.
		{dep, "Deployment", 0, "spec.template.spec.containers[name=web].securityContext", 21, 7},
		{dep, "Deployment", 0, "spec.template.spec.nodeSelector", 2, 1},
		{dep, "Deployment", 0, "", 2, 1},
		{multi, "Service", 0, "spec.ports[0].port", 7, 7},
		{multi, "Service", 0, "spec.ports[0].targetPort", 8, 7},
		{multi, "PodDisruptionBudget", 0, "spec.maxUnavailable", 18, 3},
		{multi, "PodDisruptionBudget", 0, "spec.selector.matchLabels.app", 22, 7},
		// Documents made by a range map to the one source document.
		{multi, "ConfigMap", 1, "data.value", 30, 3},
		{multi, "Secret", 0, "data", 0, 0},
	}
	for _, tt := range tests {
		l := &locator{t: tt.t, kind: tt.kind, ordinal: tt.ordinal}
		got := l.Locate(render.MustPath(tt.path))
		want := render.Location{File: tt.t.file, Line: tt.line, Col: tt.col}
		if tt.line == 0 {
			want.Line, want.Col = 1, 1
		}
		if got.File != want.File || got.Line != want.Line || got.Col != want.Col {
			t.Errorf("%s %s: Locate(%q) = %s:%d:%d, want %s:%d:%d", tt.t.file, tt.kind, tt.path, got.File, got.Line, got.Col, want.File, want.Line, want.Col)
		}
	}
}

func TestMarkedRenderFailureFallsBack(t *testing.T) {
	vs := renderChart(t, "markfail")
	v := vs[0]
	if v.Err != nil {
		t.Fatalf("Err = %v", v.Err)
	}
	wantNote := "template lines are approximate: the line-marking render failed: markfail/templates/check.yaml:4:4: execution error: templates were modified"
	if !reflect.DeepEqual(v.Notes, []string{wantNote}) {
		t.Errorf("Notes = %q, want [%q]", v.Notes, wantNote)
	}
	o := find(t, v, "Deployment", "release-name")
	for path, line := range map[string]int{
		"spec.replicas": 6,
		"spec.template.spec.containers[name=app].securityContext": 10,
		"spec.template.spec.nodeSelector":                         2,
	} {
		if got := o.Locator.Locate(render.MustPath(path)); got.File != "markfail/templates/deployment.yaml" || got.Line != line {
			t.Errorf("Locate(%s) = %s:%d, want line %d", path, got.File, got.Line, line)
		}
	}
}

func TestEngineErrorTranslation(t *testing.T) {
	ts := templateSet{
		"webapp/templates/a.yaml":                {file: "charts/web/templates/a.yaml"},
		"webapp/templates/_helpers.tpl":          {file: "charts/web/templates/_helpers.tpl"},
		"webapp/charts/side/templates/cm.yaml":   {file: "charts/web/charts/sidecar/templates/cm.yaml"},
		"webapp/charts/side/templates/_help.tpl": {file: "charts/web/charts/sidecar/templates/_help.tpl"},
	}
	tests := []struct{ in, want string }{
		{"execution error at (webapp/templates/a.yaml:12:3): image.repository is required",
			"charts/web/templates/a.yaml:12:3: execution error: image.repository is required"},
		{"parse error at (webapp/charts/side/templates/cm.yaml:4): function \"nope\" not defined",
			"charts/web/charts/sidecar/templates/cm.yaml:4: parse error: function \"nope\" not defined"},
		{"webapp/charts/side/templates/cm.yaml:7:19\n  executing \"webapp/charts/side/templates/cm.yaml\" at <include \"x\" .>:\n    error calling include:\nwebapp/charts/side/templates/_help.tpl:2:3\n  executing \"x\" at <.Values.a.b>:\n    nil pointer evaluating interface {}.b",
			"charts/web/charts/sidecar/templates/cm.yaml:7:19: execution error: executing \"charts/web/charts/sidecar/templates/cm.yaml\" at <include \"x\" .>: error calling include: charts/web/charts/sidecar/templates/_help.tpl:2:3 executing \"x\" at <.Values.a.b>: nil pointer evaluating interface {}.b"},
		{"rendering template failed: runtime error", "charts/web: render error: rendering template failed: runtime error"},
	}
	for _, tt := range tests {
		if got := ts.engineError("charts/web", errString(tt.in)).Error(); got != tt.want {
			t.Errorf("engineError(%q) =\n%s\nwant\n%s", tt.in, got, tt.want)
		}
	}
}

type errString string

func (e errString) Error() string { return string(e) }
