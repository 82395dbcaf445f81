package sarif

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"

	"github.com/prodlint/prodlint/lint"
	"github.com/prodlint/prodlint/render"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// write returns the SARIF log of res.
func write(t *testing.T, res *lint.Result, opts Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, res, opts); err != nil {
		t.Fatalf("Write: %v", err)
	}
	return buf.Bytes()
}

// parse reads a log back with the SARIF library's types.
func parse(t *testing.T, b []byte) *sarif.Run {
	t.Helper()
	rep, err := sarif.FromBytes(b)
	if err != nil {
		t.Fatalf("output is not SARIF: %v", err)
	}
	if rep.Version != "2.1.0" || !strings.HasPrefix(rep.Schema, "https://") {
		t.Errorf("version %q, $schema %q", rep.Version, rep.Schema)
	}
	if len(rep.Runs) != 1 {
		t.Fatalf("%d runs, want 1", len(rep.Runs))
	}
	return rep.Runs[0]
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func num(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}

func TestGolden(t *testing.T) {
	got := write(t, testResult(), testOptions())
	golden := filepath.Join("testdata", "basic.sarif")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./sarif -run TestGolden -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (run go test ./sarif -run TestGolden -update and review the diff):\n%s",
			golden, firstDiff(string(want), string(got)))
	}
}

// firstDiff shows the first line that differs.
func firstDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return fmt.Sprintf("line %d:\n  want %q\n  got  %q", i+1, w, g)
		}
	}
	return "(no line differs)"
}

func TestDeterministic(t *testing.T) {
	a := write(t, testResult(), testOptions())
	b := write(t, testResult(), testOptions())
	if !bytes.Equal(a, b) {
		t.Fatalf("two writes differ:\n%s", firstDiff(string(a), string(b)))
	}
	// The order of Options.Rules does not matter either.
	opts := testOptions()
	slices.Reverse(opts.Rules)
	if c := write(t, testResult(), opts); !bytes.Equal(a, c) {
		t.Fatalf("output depends on the order of Options.Rules:\n%s", firstDiff(string(a), string(c)))
	}
}

// TestNoNoise checks that the explicit defaults of the SARIF library are
// left out (the SARIF Multitool warns about "index": -1, SARIF2004), that
// the JSON is indented and ends with a newline, and that Markdown is not
// HTML-escaped.
func TestNoNoise(t *testing.T) {
	out := string(write(t, testResult(), testOptions()))
	for _, noise := range []string{`": -1`, `"rank"`, `"kind": "fail"`, `"enabled": true`, `"isComprehensive"`,
		`"newlineSequences"`, `"language"`, `": []`, `": {}`, `\u003c`, `\u0026`} {
		if strings.Contains(out, noise) {
			t.Errorf("output contains %s", noise)
		}
	}
	if !strings.HasPrefix(out, "{\n  \"$schema\": ") || !strings.Contains(out, "\n  \"version\": \"2.1.0\",\n  \"runs\": [") {
		t.Errorf("output does not start with $schema, version and runs, indented:\n%.200s", out)
	}
	if !strings.HasSuffix(out, "}\n") {
		t.Error("output does not end with a newline")
	}
	// GitHub needs results even when there are none.
	empty := string(write(t, &lint.Result{}, Options{Rules: testRules()}))
	if !strings.Contains(empty, `"results": []`) {
		t.Errorf("a run without findings has no results array:\n%s", empty)
	}
}

func TestStructure(t *testing.T) {
	res := testResult()
	opts := testOptions()
	run := parse(t, write(t, res, opts))

	drv := run.Tool.Driver
	if str(drv.Name) != "prodlint" || str(drv.InformationURI) != InformationURI ||
		str(drv.Version) != "1.4.0" || str(drv.SemanticVersion) != "1.4.0" {
		t.Errorf("driver: name %q, informationUri %q, version %q, semanticVersion %q",
			str(drv.Name), str(drv.InformationURI), str(drv.Version), str(drv.SemanticVersion))
	}
	if got := str(run.AutomationDetails.ID); got != "prodlint/shard-1-of-3/" {
		t.Errorf("automationDetails.id = %q", got)
	}
	if got := str(run.ColumnKind); got != "unicodeCodePoints" {
		t.Errorf("columnKind = %q", got)
	}
	if root := run.OriginalUriBaseIds[SrcRoot]; str(root.URI) != opts.RootURI {
		t.Errorf("originalUriBaseIds[%s] = %q, want %q", SrcRoot, str(root.URI), opts.RootURI)
	}

	// Every rule is described, with or without results, sorted by id.
	want := map[string]*lint.Rule{}
	for _, r := range opts.Rules {
		want[r.ID] = r
	}
	if len(drv.Rules) != len(want) {
		t.Fatalf("%d rules, want %d", len(drv.Rules), len(want))
	}
	var ids []string
	for _, d := range drv.Rules {
		id := str(d.ID)
		ids = append(ids, id)
		r := want[id]
		if r == nil {
			t.Fatalf("unexpected rule %q", id)
		}
		if str(d.ShortDescription.Text) != r.Summary {
			t.Errorf("%s: shortDescription %q", id, str(d.ShortDescription.Text))
		}
		if full := str(d.FullDescription.Text); full != r.Rationale {
			t.Errorf("%s: fullDescription %q", id, full)
		}
		if d.Help == nil || str(d.Help.Text) == "" || !strings.Contains(str(d.Help.Markdown), "```yaml") {
			t.Errorf("%s: help needs text and Markdown with the remediation example: %+v", id, d.Help)
		} else if strings.Contains(str(d.Help.Text), "```") || !strings.Contains(str(d.Help.Text), r.Rationale) {
			t.Errorf("%s: help.text should be plain text with the rationale:\n%s", id, str(d.Help.Text))
		}
		if got := str(d.HelpURI); got != DefaultHelpBaseURI+"#"+id {
			t.Errorf("%s: helpUri %q", id, got)
		}
		if got := d.DefaultConfiguration.Level; got != r.Severity.String() {
			t.Errorf("%s: default level %q, want %q", id, got, r.Severity)
		}
		props := d.Properties.Properties
		if props["precision"] != "high" || !slices.Equal(d.Properties.Tags, r.Tags) {
			t.Errorf("%s: properties %v, tags %v", id, props, d.Properties.Tags)
		}
		sev, hasSev := props["security-severity"]
		if r.HasTag("security") != hasSev {
			t.Errorf("%s: security-severity %v for tags %v", id, sev, r.Tags)
		}
	}
	if !slices.IsSorted(ids) {
		t.Errorf("rules are not sorted by id: %v", ids)
	}
	sevs := map[string]any{}
	for _, d := range drv.Rules {
		sevs[str(d.ID)] = d.Properties.Properties["security-severity"]
	}
	if sevs["privileged-container"] != "8.0" || sevs["run-as-non-root"] != "7.5" {
		t.Errorf("security-severity should be a string with one decimal: %v", sevs)
	}
	if got := str(drv.Rules[0].Name); got != "LivenessProbe" {
		t.Errorf("rule name %q, want LivenessProbe", got)
	}

	// One result per finding, in order; render errors are not results.
	if len(run.Results) != len(res.Findings) {
		t.Fatalf("%d results for %d findings", len(run.Results), len(res.Findings))
	}
	for i, r := range run.Results {
		f := res.Findings[i]
		if str(r.RuleID) != f.Rule || str(drv.Rules[r.RuleIndex].ID) != f.Rule {
			t.Errorf("result %d: ruleId %q, ruleIndex %d, want %s", i, str(r.RuleID), r.RuleIndex, f.Rule)
		}
		if r.Level != f.Severity.String() || str(r.Message.Text) != f.Text() {
			t.Errorf("result %d: level %q, message %q", i, r.Level, str(r.Message.Text))
		}
		if len(r.Locations) != 1 {
			t.Fatalf("result %d: %d locations", i, len(r.Locations))
		}
		pl := r.Locations[0].PhysicalLocation
		if uri := str(pl.ArtifactLocation.URI); uri != escapePath(f.Location.File) || str(pl.ArtifactLocation.URIBaseID) != SrcRoot {
			t.Errorf("result %d: uri %q, uriBaseId %q", i, uri, str(pl.ArtifactLocation.URIBaseID))
		}
		reg := pl.Region
		l := f.Location
		if num(reg.StartLine) != l.Line || num(reg.StartColumn) != l.Col || num(reg.EndLine) != l.EndLine || num(reg.EndColumn) != l.EndCol {
			t.Errorf("result %d: region %d:%d-%d:%d, want %d:%d-%d:%d", i,
				num(reg.StartLine), num(reg.StartColumn), num(reg.EndLine), num(reg.EndColumn), l.Line, l.Col, l.EndLine, l.EndCol)
		}
		if got := r.PartialFingerprints["primaryLocationLineHash"]; got != f.Fingerprint+":1" {
			t.Errorf("result %d: primaryLocationLineHash %q", i, got)
		}
		p := r.Properties.Properties
		if p["target"] != f.Target || p["targetKind"] != string(f.TargetKind) || p["path"] != f.Path || p["object"] != f.Object.String() {
			t.Errorf("result %d: properties %v", i, p)
		}
		if _, ok := p["hook"]; ok != (f.Hook != "") {
			t.Errorf("result %d: hook %v", i, p["hook"])
		}
	}
	if got := str(run.Results[4].Locations[0].PhysicalLocation.ArtifactLocation.URI); got != "manifests/legacy%20apps/cron%20job.yaml" {
		t.Errorf("spaces are not escaped: %q", got)
	}
	if got := fmt.Sprint(run.Results[0].Properties.Properties["variants"]); got != "[values.yaml ci/prod-values.yaml]" {
		t.Errorf("variants %s", got)
	}
	if _, ok := run.Results[3].Properties.Properties["variants"]; ok {
		t.Error("a kustomize finding has variants")
	}

	// Render errors and notes are notifications.
	if len(run.Invocations) != 1 {
		t.Fatalf("%d invocations", len(run.Invocations))
	}
	inv := run.Invocations[0]
	if inv.ExecutionSuccessful == nil || *inv.ExecutionSuccessful {
		t.Error("executionSuccessful should be false with render errors")
	}
	type note struct {
		level, text, uri string
		line             int
	}
	var notes []note
	for _, n := range inv.ToolExecutionNotifications {
		x := note{level: n.Level, text: str(n.Message.Text)}
		if len(n.Locations) > 0 {
			pl := n.Locations[0].PhysicalLocation
			x.uri = str(pl.ArtifactLocation.URI)
			if str(pl.ArtifactLocation.URIBaseID) != SrcRoot {
				t.Errorf("notification %q: uriBaseId %q", x.text, str(pl.ArtifactLocation.URIBaseID))
			}
			if pl.Region != nil {
				x.line = num(pl.Region.StartLine)
			}
		}
		notes = append(notes, x)
	}
	wantNotes := []note{
		{"error", res.Errors[0].Error(), "charts/broken/", 0},
		{"error", res.Errors[1].Error(), "manifests/bad/svc.yaml", 7},
		{"error", res.Errors[2].Error(), "./", 0},
		{"note", res.Notes[0], "", 0},
	}
	if !slices.Equal(notes, wantNotes) {
		t.Errorf("notifications:\n got %+v\nwant %+v", notes, wantNotes)
	}
}

func TestSuccessfulRun(t *testing.T) {
	res := testResult()
	res.Errors, res.Notes = nil, nil
	run := parse(t, write(t, res, Options{Rules: testRules()}))
	inv := run.Invocations[0]
	if inv.ExecutionSuccessful == nil || !*inv.ExecutionSuccessful || len(inv.ToolExecutionNotifications) != 0 {
		t.Errorf("executionSuccessful %v, %d notifications", inv.ExecutionSuccessful, len(inv.ToolExecutionNotifications))
	}
	// Defaults: category, help URI, development version, no root.
	if got := str(run.AutomationDetails.ID); got != "prodlint/" {
		t.Errorf("automationDetails.id = %q", got)
	}
	if got := str(run.Tool.Driver.Version); got != "0.0.0-dev" {
		t.Errorf("version = %q", got)
	}
	if run.OriginalUriBaseIds != nil {
		t.Errorf("originalUriBaseIds without RootURI: %v", run.OriginalUriBaseIds)
	}
}

func TestTooManyResults(t *testing.T) {
	res := manyFindings(MaxResults + 3)
	rep, err := Build(res, Options{Rules: testRules()})
	if err != nil {
		t.Fatal(err)
	}
	run := rep.Runs[0]
	if len(run.Results) != MaxResults {
		t.Fatalf("%d results, want %d", len(run.Results), MaxResults)
	}
	if got, want := str(run.Results[MaxResults-1].RuleID), res.Findings[MaxResults-1].Rule; got != want {
		t.Errorf("last result is for %s, want %s: results are not the first findings", got, want)
	}
	ns := run.Invocations[0].ToolExecutionNotifications
	if len(ns) != 1 || ns[0].Level != "warning" || !strings.HasPrefix(str(ns[0].Message.Text), "3 of 25003 results were left out") {
		t.Errorf("want a warning that 3 results were left out, got %d notifications", len(ns))
		for _, n := range ns {
			t.Logf("%s: %s", n.Level, str(n.Message.Text))
		}
	}
	if !*run.Invocations[0].ExecutionSuccessful {
		t.Error("dropping results made the run fail")
	}
}

// manyFindings returns n findings made from those of testResult.
func manyFindings(n int) *lint.Result {
	base := testResult().Findings
	res := &lint.Result{}
	for i := range n {
		f := base[i%len(base)]
		f.Fingerprint = fmt.Sprintf("%032x", i)
		f.Location.Line += i
		f.Location.EndLine += i
		res.Findings = append(res.Findings, f)
	}
	return res
}

func TestUnknownRule(t *testing.T) {
	res := testResult()
	res.Findings[0].Rule = "no-such-rule"
	if err := Write(&bytes.Buffer{}, res, testOptions()); err == nil || !strings.Contains(err.Error(), "no-such-rule") {
		t.Errorf("a finding for an unknown rule: err = %v", err)
	}
}

func TestLongRationale(t *testing.T) {
	rules := testRules()
	rules[0].Rationale = strings.Repeat("é", 2000)
	run := parse(t, write(t, &lint.Result{}, Options{Rules: rules}))
	for _, d := range run.Tool.Driver.Rules {
		full := []rune(str(d.FullDescription.Text))
		if len(full) > 1024 {
			t.Errorf("%s: fullDescription has %d characters", str(d.ID), len(full))
		}
		if str(d.ID) == rules[0].ID && (len(full) != 1024 || full[1023] != '…') {
			t.Errorf("%s: truncated fullDescription has %d characters and ends with %q", str(d.ID), len(full), full[len(full)-1])
		}
	}
}

func TestEscapePath(t *testing.T) {
	for in, want := range map[string]string{
		"charts/web/templates/deployment.yaml": "charts/web/templates/deployment.yaml",
		"manifests/legacy apps/cron job.yaml":  "manifests/legacy%20apps/cron%20job.yaml",
		"c:/x.yaml":                            "c%3A/x.yaml",
		"ünï/100%#?.yaml":                      "%C3%BCn%C3%AF/100%25%23%3F.yaml",
	} {
		if got := escapePath(in); got != want {
			t.Errorf("escapePath(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestToolVersion(t *testing.T) {
	for _, c := range []struct {
		in, version string
		semver      bool
	}{
		{"v1.4.0", "1.4.0", true},
		{"1.4.0-rc.1+abc", "1.4.0-rc.1+abc", true},
		{"1.4", "1.4", false},
		{"v1.04.0", "1.04.0", false},
		{"", "0.0.0-dev", true},
		{"dev", "0.0.0-dev", true},
		{"(devel)", "0.0.0-dev", true},
	} {
		v := toolVersion(c.in)
		if v != c.version || isSemver(v) != c.semver {
			t.Errorf("toolVersion(%q) = %q (semver %v), want %q (%v)", c.in, v, isSemver(v), c.version, c.semver)
		}
	}
}

func TestRootURI(t *testing.T) {
	for in, want := range map[string]string{
		"file:///home/runner/work/shop/shop/": "file:///home/runner/work/shop/shop/",
		"file:///src/repo":                    "file:///src/repo/",
		"/src/my repo":                        "file:///src/my%20repo/",
	} {
		if got, err := rootURI(in); err != nil || got != want {
			t.Errorf("rootURI(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := Build(&lint.Result{}, Options{RootURI: "relative/dir"}); err == nil {
		t.Error("a relative root is accepted")
	}
}

func TestAutomationID(t *testing.T) {
	for in, want := range map[string]string{"prodlint": "prodlint/", "prodlint/helm/": "prodlint/helm/"} {
		if got := automationID(in); got != want {
			t.Errorf("automationID(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestErrorLocation(t *testing.T) {
	for _, c := range []struct {
		err  *lint.TargetError
		uri  string
		line int
	}{
		{&lint.TargetError{Target: render.Target{Kind: render.Helm, Dir: "charts/web"}, Err: fmt.Errorf("boom")}, "charts/web/", 0},
		{&lint.TargetError{Target: render.Target{Kind: render.Plain, Dir: "."}, Err: fmt.Errorf("wrapped: %w",
			&render.FileError{File: "a b.yaml", Line: 3, Err: fmt.Errorf("bad")})}, "a%20b.yaml", 3},
		{&lint.TargetError{Target: render.Target{Kind: render.Kustomize, Dir: "."}, Err: fmt.Errorf("boom")}, "./", 0},
	} {
		loc := errorLocation(c.err)
		pl := loc.PhysicalLocation
		line := 0
		if pl.Region != nil {
			line = num(pl.Region.StartLine)
		}
		if uri := str(pl.ArtifactLocation.URI); uri != c.uri || line != c.line {
			t.Errorf("%v: located at %q line %d, want %q line %d", c.err, uri, line, c.uri, c.line)
		}
	}
}

func TestDecimal(t *testing.T) {
	for in, want := range map[float64]string{8: "8.0", 7.5: "7.5", 6.25: "6.25", 10: "10.0", 0.1: "0.1"} {
		if got := decimal(in); got != want {
			t.Errorf("decimal(%v) = %q, want %q", in, got, want)
		}
	}
}

func TestPascalCase(t *testing.T) {
	for in, want := range map[string]string{"privileged-container": "PrivilegedContainer", "hpa": "Hpa", "pdb-min-available-2": "PdbMinAvailable2"} {
		if got := pascalCase(in); got != want {
			t.Errorf("pascalCase(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestBuildIsValid checks the report that Build returns, with the SARIF
// library's defaults, against the schema.
func TestBuildIsValid(t *testing.T) {
	rep, err := Build(testResult(), testOptions())
	if err != nil {
		t.Fatal(err)
	}
	if err := rep.Validate(); err != nil {
		t.Fatal(err)
	}
}
