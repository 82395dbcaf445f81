package lint

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/prodlint/prodlint/render"
)

type fakeRenderer map[string]func(t render.Target) ([]*render.Variant, error)

func (f fakeRenderer) Render(_ context.Context, t render.Target, _ render.Options) ([]*render.Variant, error) {
	return f[t.Dir](t)
}

func objects(t *testing.T, file, src string) []*render.Object {
	t.Helper()
	objs, err := render.ParseManifest(file, []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return objs
}

var testRule = &Rule{
	ID: "no-foo", Severity: Warning, Summary: "s", Rationale: "r", Remediation: "m", Tags: []string{"x"},
	Check: func(p *Pass) {
		if p.Object.Raw["foo"] != nil {
			p.Report(render.MustPath("foo"), "foo is set")
		}
	},
}

func TestRunIsolatesFailures(t *testing.T) {
	src := "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\nfoo: 1\n"
	r := fakeRenderer{
		"good": func(tg render.Target) ([]*render.Variant, error) {
			return []*render.Variant{
				{Target: tg, Objects: objects(t, "good/a.yaml", src)},
				{Target: tg, Name: "ci/x-values.yaml", Objects: objects(t, "good/a.yaml", src)},
				{Target: tg, Name: "ci/broken-values.yaml", Err: errors.New("boom")},
			}, nil
		},
		"panics": func(render.Target) ([]*render.Variant, error) { panic("kaput") },
		"fails":  func(render.Target) ([]*render.Variant, error) { return nil, errors.New("unreadable") },
	}
	res := Run(context.Background(), Config{
		Targets: []render.Target{
			{Kind: render.Helm, Dir: "good", Variants: []string{"ci/broken-values.yaml", "ci/x-values.yaml"}}, {Kind: render.Helm, Dir: "panics"}, {Kind: render.Helm, Dir: "fails"},
		},
		Renderers: map[render.Kind]render.Renderer{render.Helm: r},
		Rules:     []*Rule{testRule},
	})
	if len(res.Findings) != 1 {
		t.Fatalf("findings = %+v, want one merged finding", res.Findings)
	}
	f := res.Findings[0]
	if strings.Join(f.Variants, ",") != ",ci/x-values.yaml" || f.Location.Line != 5 || f.Location.File != "good/a.yaml" {
		t.Errorf("finding = %+v", f)
	}
	if f.Text() != "ConfigMap a: foo is set [values.yaml, ci/x-values.yaml]" {
		t.Errorf("text = %q", f.Text())
	}
	if len(res.Errors) != 3 {
		t.Fatalf("errors = %v", res.Errors)
	}
	SortErrors(res.Errors)
	msgs := []string{res.Errors[0].Error(), res.Errors[1].Error(), res.Errors[2].Error()}
	for i, want := range []string{"render helm fails: unreadable", "render helm good (values ci/broken-values.yaml): boom", "render helm panics: internal error"} {
		if !strings.HasPrefix(msgs[i], want) {
			t.Errorf("error %d = %q, want prefix %q", i, msgs[i], want)
		}
	}
}

func TestFingerprintIgnoresLines(t *testing.T) {
	a := Finding{Rule: "r", Target: "t", Object: ObjectRef{Kind: "Pod", Name: "p"}, Path: "spec", Location: render.Location{Line: 3}}
	b := a
	b.Location.Line = 30
	if fingerprint(&a) != fingerprint(&b) {
		t.Error("fingerprint depends on the line")
	}
	b.Path = "spec.x"
	if fingerprint(&a) == fingerprint(&b) {
		t.Error("fingerprint ignores the path")
	}
}

func TestRegisterValidates(t *testing.T) {
	bad := []*Rule{
		{ID: "Bad_ID", Severity: Warning, Summary: "s", Rationale: "r", Remediation: "m", Tags: []string{"x"}, Check: testRule.Check},
		{ID: "no-check", Severity: Warning, Summary: "s", Rationale: "r", Remediation: "m", Tags: []string{"x"}},
		{ID: "sec", Severity: Warning, Summary: "s", Rationale: "r", Remediation: "m", Tags: []string{"security"}, Check: testRule.Check},
	}
	for _, r := range bad {
		if err := validateRule(r); err == nil {
			t.Errorf("rule %s: want a validation error", r.ID)
		}
	}
}

func TestParseSeverity(t *testing.T) {
	for s, want := range map[string]Severity{"error": Error, "Warning": Warning, "note": Note, "none": None} {
		if got, err := ParseSeverity(s); err != nil || got != want {
			t.Errorf("ParseSeverity(%q) = %v, %v", s, got, err)
		}
	}
	if _, err := ParseSeverity("fatal"); err == nil {
		t.Error("want error")
	}
}

func TestMergeTargetsAndVariants(t *testing.T) {
	base := Finding{Rule: "r", Message: "m", Path: "spec", Object: ObjectRef{Kind: "Deployment", Name: "web"},
		Location: render.Location{File: "base/d.yaml", Line: 3}}
	var fs []Finding
	for i, tg := range []string{"overlays/prod", "overlays/dev", "overlays/qa", "overlays/stage", "overlays/test"} {
		f := base
		f.Target, f.Variants = tg, []string{""}
		f.Object.Namespace = tg[9:]
		f.Fingerprint = fingerprint(&f)
		fs = append(fs, f)
		if i == 0 {
			// the same problem in a patch file of one overlay stays apart
			g := f
			g.Location.File = "overlays/prod/patch.yaml"
			fs = append(fs, g)
		}
	}
	out := PostProcess(fs, nil)
	if len(out) != 2 {
		t.Fatalf("got %d findings, want 2: %+v", len(out), out)
	}
	m := out[0]
	if m.Target != "overlays/dev" || len(m.Also) != 4 || m.Variants != nil {
		t.Errorf("merged = %+v", m)
	}
	want := "Deployment dev/web (overlays/dev), Deployment prod/web (overlays/prod), Deployment qa/web (overlays/qa) and 2 more: m"
	if got := m.Text(); got != want {
		t.Errorf("text = %q, want %q", got, want)
	}
	min := fs[0].Fingerprint
	for _, f := range fs {
		if f.Fingerprint < min {
			min = f.Fingerprint
		}
	}
	if m.Fingerprint != min {
		t.Errorf("fingerprint %s, want the smallest %s", m.Fingerprint, min)
	}
}

// valueLocator places every path on the template line and names a values
// file line as the source of the value.
type valueLocator struct{ values render.Location }

func (l valueLocator) Locate(render.Path) render.Location {
	return render.Location{File: "charts/web/templates/d.yaml", Line: 9}
}

func (l valueLocator) Related(render.Path) []render.Related {
	return []render.Related{{Location: l.values, Message: "value set here", Value: true}}
}

func TestValuesFileBecomesPrimary(t *testing.T) {
	src := "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\nfoo: 1\n"
	variant := func(name, valuesFile string) *render.Variant {
		objs := objects(t, "charts/web/templates/d.yaml", src)
		objs[0].Locator = valueLocator{render.Location{File: valuesFile, Line: 4, Col: 3}}
		return &render.Variant{Name: name, Objects: objs}
	}
	tg := render.Target{Kind: render.Helm, Dir: "charts/web", Variants: []string{"ci/a-values.yaml", "ci/b-values.yaml"}}
	run := func(vs ...*render.Variant) []Finding {
		r := fakeRenderer{"charts/web": func(render.Target) ([]*render.Variant, error) { return vs, nil }}
		return Run(context.Background(), Config{Targets: []render.Target{tg}, Renderers: map[render.Kind]render.Renderer{render.Helm: r}, Rules: []*Rule{testRule}}).Findings
	}
	// only ci/b sets the value: its line is what to edit
	fs := run(variant("ci/b-values.yaml", "charts/web/ci/b-values.yaml"))
	if len(fs) != 1 || fs[0].Location.File != "charts/web/ci/b-values.yaml" || len(fs[0].Related) != 1 || fs[0].Related[0].Location.Line != 9 {
		t.Errorf("one variant: %+v", fs)
	}
	// every variant has it from values.yaml: the template stays primary
	fs = run(variant("", "charts/web/values.yaml"), variant("ci/a-values.yaml", "charts/web/values.yaml"), variant("ci/b-values.yaml", "charts/web/values.yaml"))
	if len(fs) != 1 || fs[0].Location.File != "charts/web/templates/d.yaml" || fs[0].Variants != nil || len(fs[0].Related) != 1 {
		t.Errorf("all variants: %+v", fs)
	}
}
