package helm

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/prodlint/prodlint/render"
	"gopkg.in/yaml.v3"
)

// relatedOf renders chart "c" from files (paths relative to the chart) with
// the given variant and returns what the locator of kind/name relates to
// path, as "file:line:col message [value]" strings.
func relatedOf(t *testing.T, files map[string]string, variant, kind, name, path string) []string {
	t.Helper()
	m := fstest.MapFS{}
	for f, body := range files {
		m["c/"+f] = &fstest.MapFile{Data: []byte(body)}
	}
	if _, ok := files["Chart.yaml"]; !ok {
		m["c/Chart.yaml"] = &fstest.MapFile{Data: []byte("apiVersion: v2\nname: c\nversion: 0.1.0\nappVersion: \"9.9\"\n")}
	}
	var variants []string
	if variant != "" {
		variants = []string{variant}
	}
	opts := render.Options{Root: "/no-such-repository", FS: m, KubeVersion: "1.34.0"}
	vs, err := Renderer{}.Render(context.Background(), render.Target{Kind: render.Helm, Dir: "c", Variants: variants}, opts)
	if err != nil {
		t.Fatal(err)
	}
	v := vs[len(vs)-1]
	if v.Err != nil {
		t.Fatalf("variant %q: %v", v.Name, v.Err)
	}
	for _, o := range v.Objects {
		if o.Kind != kind || o.Name != name {
			continue
		}
		rl, ok := o.Locator.(render.RelatedLocator)
		if !ok {
			t.Fatalf("%s: locator %T has no Related", o.Ref(), o.Locator)
		}
		var out []string
		for _, r := range rl.Related(render.MustPath(path)) {
			s := fmt.Sprintf("%s:%d:%d %s", r.Location.File, r.Location.Line, r.Location.Col, r.Message)
			if r.Value {
				s += " [value]"
			}
			out = append(out, s)
		}
		return out
	}
	t.Fatalf("no %s %s in variant %q", kind, name, v.Name)
	return nil
}

const podTmpl = `apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
    - name: web
%s
`

func TestRelatedValues(t *testing.T) {
	const img = "spec.containers[name=web].image"
	const priv = "spec.containers[name=web].securityContext.privileged"
	tests := []struct {
		name     string
		line     string // container lines of the template
		values   string
		variant  string // ci/v-values.yaml, when set
		path     string
		want     []string
		subchart bool
	}{
		{name: "single", line: "      image: {{ .Values.image }}", values: "image: nginx:latest\n", path: img,
			want: []string{"c/values.yaml:1:1 value set here [value]"}},
		{name: "variant wins", line: "      image: {{ .Values.image }}", values: "image: nginx:1\n", variant: "x: 1\nimage: nginx:latest\n", path: img,
			want: []string{"c/ci/v-values.yaml:2:1 value set here [value]"}},
		{name: "variant without the key", line: "      image: {{ .Values.image }}", values: "image: nginx:1\n", variant: "x: 1\n", path: img,
			want: []string{"c/values.yaml:1:1 value set here [value]"}},
		{name: "dollar", line: "      image: {{ $.Values.a.b }}", values: "a:\n  b: nginx\n", path: img,
			want: []string{"c/values.yaml:2:3 value set here [value]"}},
		{name: "quote", line: "      image: {{ .Values.image | quote }}", values: "image: nginx\n", path: img,
			want: []string{"c/values.yaml:1:1 value set here [value]"}},
		{name: "quoted in template", line: "      image: \"{{ .Values.image }}\"", values: "image: nginx\n", path: img,
			want: []string{"c/values.yaml:1:1 value set here [value]"}},
		{name: "default not used", line: "      image: {{ .Values.image | default \"x\" }}", values: "image: nginx\n", path: img,
			want: []string{"c/values.yaml:1:1 value set here [value]"}},
		{name: "default used", line: "      image: {{ .Values.image | default \"nginx\" }}", values: "image: \"\"\n", path: img},
		{name: "default function", line: "      image: {{ default \"x\" .Values.image }}", values: "image: nginx\n", path: img,
			want: []string{"c/values.yaml:1:1 value set here [value]"}},
		{name: "literal and value", line: "      image: \"nginx:{{ .Values.tag }}\"", values: "tag: latest\n", path: img,
			want: []string{"c/values.yaml:1:1 value set here [value]"}},
		{name: "composite", line: "      image: \"{{ .Values.repo }}:{{ .Values.tag }}\"", values: "repo: nginx\ntag: \"1\"\n", variant: "tag: latest\n", path: img,
			want: []string{"c/values.yaml:1:1 part of the value set here", "c/ci/v-values.yaml:1:1 part of the value set here [value]"}},
		{name: "composite, variant repeats the default", line: "      image: \"{{ .Values.repo }}:{{ .Values.tag }}\"", values: "repo: nginx\ntag: \"1\"\n", variant: "repo: nginx\ntag: latest\n", path: img,
			want: []string{"c/ci/v-values.yaml:1:1 part of the value set here", "c/ci/v-values.yaml:2:1 part of the value set here [value]"}},
		{name: "composite with a default", line: "      image: \"{{ .Values.repo }}:{{ .Values.tag | default .Chart.AppVersion }}\"", values: "repo: nginx\ntag: \"\"\n", path: img,
			want: []string{"c/values.yaml:1:1 part of the value set here"}},
		{name: "with", line: "      {{- with .Values.image }}\n      image: \"{{ .repo }}:{{ .tag }}\"\n      {{- end }}", values: "image:\n  repo: nginx\n  tag: \"1\"\n", variant: "image:\n  tag: latest\n", path: img,
			want: []string{"c/values.yaml:2:3 part of the value set here", "c/ci/v-values.yaml:2:3 part of the value set here [value]"}},
		{name: "with dot", line: "      {{- with .Values.image }}\n      image: {{ . }}\n      {{- end }}", values: "image: nginx\n", path: img,
			want: []string{"c/values.yaml:1:1 value set here [value]"}},
		{name: "range is not traced", line: "      {{- range .Values.images }}\n      image: {{ . }}\n      {{- end }}", values: "images: [nginx]\n", path: img},
		{name: "printf", line: "      image: {{ printf \"%s:%s\" .Values.repo .Values.tag }}", values: "repo: nginx\ntag: latest\n", path: img},
		{name: "upper changes the value", line: "      image: {{ .Values.image | upper }}", values: "image: nginx\n", path: img},
		{name: "include", line: "      image: {{ include \"x\" . }}", values: "image: nginx\n", path: img},
		{name: "missing key", line: "      image: {{ .Values.nope | default \"nginx\" }}", values: "image: nginx\n", path: img},
		{name: "map value", line: "      image: {{ .Values.image.name }}\n      securityContext: {{ toYaml .Values.sc | nindent 8 }}", values: "image:\n  name: nginx\nsc:\n  privileged: true\n", path: priv},
		{name: "bool", line: "      image: nginx\n      securityContext:\n        privileged: {{ .Values.priv }}", values: "priv: true\n", path: priv,
			want: []string{"c/values.yaml:1:1 value set here [value]"}},
		{name: "int", line: "      image: nginx\n      ports:\n        - containerPort: {{ .Values.port | int }}", values: "port: 8080\n", path: "spec.containers[name=web].ports[0].containerPort",
			want: []string{"c/values.yaml:1:1 value set here [value]"}},
		{name: "comment after", line: "      image: {{ .Values.image }} {{/* why */}}", values: "image: nginx\n", path: img,
			want: []string{"c/values.yaml:1:1 value set here [value]"}},
		{name: "flow", line: "      image: nginx\n      securityContext: {runAsNonRoot: true, privileged: {{ .Values.priv }}}", values: "priv: true\n", path: priv,
			want: []string{"c/values.yaml:1:1 value set here [value]"}},
		{name: "if on the line", line: "      image: {{ if .Values.a }}{{ .Values.image }}{{ end }}", values: "a: true\nimage: nginx\n", path: img},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			files := map[string]string{
				"values.yaml":          tc.values,
				"templates/pod.yaml":   fmt.Sprintf(podTmpl, tc.line),
				"templates/_x.tpl":     `{{ define "x" }}nginx{{ end }}`,
				"ci/other-values.yaml": "{}\n",
			}
			variant := ""
			if tc.variant != "" {
				files["ci/v-values.yaml"] = tc.variant
				variant = "ci/v-values.yaml"
			}
			got := relatedOf(t, files, variant, "Pod", "p", tc.path)
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("Related(%s) =\n  %s\nwant\n  %s", tc.path, strings.Join(got, "\n  "), strings.Join(tc.want, "\n  "))
			}
		})
	}
}

func TestRelatedSubchart(t *testing.T) {
	files := map[string]string{
		"Chart.yaml":                    "apiVersion: v2\nname: c\nversion: 0.1.0\ndependencies:\n  - name: sub\n    alias: cache\n    version: 0.1.0\n",
		"values.yaml":                   "cache:\n  image:\n    tag: \"2\"\nglobal:\n  reg: docker.io\n",
		"ci/v-values.yaml":              "cache:\n  image:\n    tag: latest\n",
		"charts/sub/Chart.yaml":         "apiVersion: v2\nname: sub\nversion: 0.1.0\n",
		"charts/sub/values.yaml":        "image:\n  repo: redis\n  tag: \"1\"\nglobal:\n  reg: quay.io\n",
		"charts/sub/templates/pod.yaml": fmt.Sprintf(podTmpl, "      image: \"{{ .Values.global.reg }}/{{ .Values.image.repo }}:{{ .Values.image.tag }}\"\n      command: [\"{{ .Values.image.repo }}\"]"),
	}
	img := "spec.containers[name=web].image"
	got := relatedOf(t, files, "", "Pod", "p", img)
	want := []string{
		"c/values.yaml:5:3 part of the value set here",
		"c/charts/sub/values.yaml:2:3 part of the value set here",
		"c/values.yaml:3:5 part of the value set here",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("default variant: Related =\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
	got = relatedOf(t, files, "ci/v-values.yaml", "Pod", "p", img)
	want[2] = "c/ci/v-values.yaml:3:5 part of the value set here [value]"
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("variant: Related =\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
	got = relatedOf(t, files, "", "Pod", "p", "spec.containers[name=web].command[0]")
	if want := []string{"c/charts/sub/values.yaml:2:3 value set here [value]"}; strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("command: Related = %q, want %q", got, want)
	}
}

func TestPrintedForm(t *testing.T) {
	for in, want := range map[string]string{
		"x: abc": "abc", "x: 3": "3", "x: 1000000": "1e+06", "x: 1.50": "1.5", "x: true": "true",
		"x: '3'": "3", "x: 0x10": "16", "x: ~": "!", "x: [a]": "!",
	} {
		var n yaml.Node
		if err := yaml.Unmarshal([]byte(in), &n); err != nil {
			t.Fatal(err)
		}
		got, ok := printedForm(n.Content[0].Content[1])
		if !ok {
			got = "!"
		}
		if got != want {
			t.Errorf("printedForm(%s) = %q, want %q", in, got, want)
		}
	}
}

func TestMatchPieces(t *testing.T) {
	ps := []piece{{text: "image: "}, {wild: true}, {text: ":"}, {text: "latest", known: true}}
	if !matchPieces(ps, "image: a:b:latest", 0, new(int)) {
		t.Fatal("no match")
	}
	if ps[1].text != "a:b" || ps[3].start != 11 {
		t.Errorf("wild = %q, known at %d", ps[1].text, ps[3].start)
	}
	if matchPieces([]piece{{text: "a"}, {text: "b", known: true}}, "ac", 0, new(int)) {
		t.Error("matched a different value")
	}
}
